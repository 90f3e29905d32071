// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Testbed.Cli.Commands.Sweeps;
using Testbed.CommandLine;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Files;
using Testbed.Harness.Kernel;
using Testbed.Harness.Sharding;

namespace Testbed.Cli.Commands;

/// <summary>
/// `testbed kernel`: runs seeded operation sequences with real syscalls in a Linux kernel booted
/// under QEMU (or on the host with --host) and holds the model to the kernel's results and VMA
/// layouts, step by step. A sweep of units = sequences: <c>--shard k/n</c> runs sequences
/// i % n == k in one boot, and <c>--result</c> writes what each found (<see cref="KernelSweep"/>),
/// which <c>testbed merge</c> sums into the report a single run prints through <see cref="Report"/>.
/// </summary>
public static class KernelCommand
{
    /// <summary>The model config the kernel is compared with.</summary>
    public const string Config = "mmu-spf";

    private const int DefaultSequences = 200;

    /// <summary>
    /// Creates the command. <paramref name="backendFactory"/> gets the --backend value
    /// ("managed" or "native") and the mm flags that match the kernel, and returns a fresh
    /// address space of config <see cref="Config"/>; it is called once or twice per sequence.
    /// <paramref name="factory"/> makes the mmu-pvl address spaces of <c>--lock-stats</c>.
    /// </summary>
    public static Command Create(Func<string, MmFlags, IAddressSpace> backendFactory, AddressSpaceFactory factory)
    {
        var seed = new Option<ulong>("--seed")
        {
            Description = "Generator seed; sequence i depends only on (seed, i). Printed with every mismatch.",
            DefaultValueFactory = _ => 1,
        };
        var sequences = new Option<int>("--sequences")
        {
            Description = "Number of sequences (all of a run's, or of its --shard's, in one boot).",
            DefaultValueFactory = _ => DefaultSequences,
        };
        var ops = new Option<int>("--ops")
        {
            Description = "Operations per sequence.",
            DefaultValueFactory = _ => 20,
        };
        var only = new Option<int?>("--only")
        {
            Description = "Run only sequence N of the batch (the replay of a mismatch, also of one found by a shard); excludes --shard and --result.",
        };
        var kernel = new Option<string?>("--kernel")
        {
            Description = "bzImage to boot (default: the newest /boot/vmlinuz-* from linux-image-amd64).",
        };
        var release = new Option<string?>("--kernel-release")
        {
            Description = "Boot Debian's kernel of this series: 6.1 (bookworm's, from /boot) or 6.12 (linux-image-6.12-amd64, " +
                "fetched once with apt-get download into build/kernel/debian/, not installed); the model follows its rules.",
        };
        var build = new Option<bool>("--build")
        {
            Description = "Build a minimal kernel from Debian's linux-source-6.1 (or --source's series, with the --patch files) and boot it; cached under build/kernel/.",
        };
        var source = new Option<string?>("--source")
        {
            Description = "With --build: the series of Debian's linux-source-SERIES to build (default 6.1; 6.12 has per-VMA locks).",
        };
        var patch = new Option<string[]>("--patch")
        {
            Description = "With --build: a patch to apply with patch -p1 (repeatable; applied in order).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var kvm = new Option<bool>("--kvm")
        {
            Description = "Boot with -accel kvm instead of TCG (KVM guests hang on some machines; TCG is the default).",
        };
        var host = new Option<bool>("--host")
        {
            Description = "Run the guest program directly on the host kernel instead of booting QEMU.",
        };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds before QEMU is killed (boot, run and power-off together).",
            DefaultValueFactory = _ => 120,
        };
        var backend = new Option<string>("--backend")
        {
            Description = "Model backend to compare with: managed (the C# port) or native (libtestbed-mmu-spf.so).",
            DefaultValueFactory = _ => "managed",
        }.AcceptOnlyFromAmong("managed", "native");
        var noRace = new Option<bool>("--no-race")
        {
            Description = "Leave out the threaded race steps (page touches racing munmap/mprotect/mmap).",
        };
        var json = new OutputFile("--json")
        {
            Description = "Also write the report as JSON to this file (checked writable before the run, replaced whole).",
        };
        var lockStats = new Option<bool>("--lock-stats")
        {
            Description = "Compare the kernel's per-VMA lock statistics (vma_lock_success/abort/retry/miss; a kernel with " +
                "CONFIG_PER_VMA_LOCK_STATS: --build --source 6.12) with the mmu-pvl model's for the same race steps: --runs boots, " +
                "--model-runs seeded schedules of the model, the shares of faults per counter as bands (docs/kernel-hooks.md).",
        };
        var runs = new Option<int>("--runs")
        {
            Description = "With --lock-stats: boots of the same batch (the kernel's band).",
            DefaultValueFactory = _ => 3,
        };
        var modelRuns = new Option<int>("--model-runs")
        {
            Description = "With --lock-stats: seeded schedules of every race step on the model (the model's band).",
            DefaultValueFactory = _ => 20,
        };
        var shard = SweepOptions.Shard();
        shard.Description += " Here unit i is sequence i; a shard's sequences run in one boot.";
        var result = SweepOptions.Result();

        OptionRules.AtLeast(sequences, 1);
        OptionRules.AtLeast(ops, 1);
        OptionRules.AtLeast(only, 0);
        OptionRules.AtLeast(timeout, 1);
        OptionRules.AtLeast(runs, 1);
        OptionRules.AtLeast(modelRuns, 1);

        var cmd = new Command("kernel",
            "Run the same operation sequences on a real Linux kernel (QEMU, or --host) and on the model; compare results and VMA layouts after every step.")
        {
            seed, sequences, ops, only, kernel, release, build, source, patch, kvm, host, timeout, backend, noRace, json, lockStats, runs,
            modelRuns, shard, result,
        };
        SweepOptions.RequireResultWithShard(cmd, shard, result);
        cmd.Validators.Add(r =>
        {
            var batch = OptionRules.ValueOr(r, sequences, DefaultSequences);
            if (OptionRules.ValueOr(r, only, null) is { } o && o >= batch)
                r.AddError($"--only {o} is outside the batch of --sequences {batch}");
            if (OptionRules.ValueOr(r, only, null) is not null && (r.GetResult(shard) is not null || r.GetResult(result) is not null))
                r.AddError("--only replays one sequence: it excludes --shard and --result (a sweep's units)");
            var building = OptionRules.ValueOr(r, build, false);
            if (building && (OptionRules.ValueOr<string?>(r, kernel, null) is not null || OptionRules.ValueOr(r, host, false)))
                r.AddError("--build boots the kernel it builds: it excludes --kernel and --host");
            if (OptionRules.ValueOr<string?>(r, release, null) is { } series)
            {
                if (!DebianKernel.IsSeries(series))
                    r.AddError($"--kernel-release {series}: not a kernel series like 6.1 or 6.12");
                if (building || OptionRules.ValueOr<string?>(r, kernel, null) is not null || OptionRules.ValueOr(r, host, false))
                    r.AddError("--kernel-release boots Debian's kernel of that series: it excludes --kernel, --build and --host");
            }

            if (OptionRules.ValueOr<string?>(r, source, null) is { } built)
            {
                if (!building)
                    r.AddError("--source needs --build");
                if (!DebianKernel.IsSeries(built))
                    r.AddError($"--source {built}: not a kernel series like 6.1 or 6.12");
            }

            var patchFiles = OptionRules.ValueOr(r, patch, []);
            if (!building && patchFiles.Length > 0)
                r.AddError("--patch needs --build");
            foreach (var missing in patchFiles.Where(p => !File.Exists(p)))
                r.AddError($"--patch {missing}: no such file");
            if (OptionRules.ValueOr<string?>(r, kernel, null) is { } image && !File.Exists(image))
                r.AddError($"--kernel {image}: no such file");
            if (OptionRules.ValueOr(r, lockStats, false))
            {
                if (OptionRules.ValueOr(r, noRace, false))
                    r.AddError("--lock-stats counts the race steps' faults: it excludes --no-race");
                if (OptionRules.ValueOr(r, only, null) is not null || r.GetResult(shard) is not null || r.GetResult(result) is not null || r.GetResult(json) is not null)
                    r.AddError("--lock-stats runs whole batches: it excludes --only, --shard, --result and --json");
            }
            else if (r.GetResult(runs) is not null || r.GetResult(modelRuns) is not null)
            {
                r.AddError("--runs and --model-runs need --lock-stats");
            }
        });
        cmd.SetAction(async (parse, ct) =>
        {
            var seqOptions = new SequenceOptions()
                .WithSeed(parse.GetValue(seed))
                .WithSequences(parse.GetValue(sequences))
                .WithOpsPerSequence(parse.GetValue(ops))
                .WithRaces(!parse.GetValue(noRace));

            var patches = parse.GetValue(patch) ?? [];
            var buildKernel = parse.GetValue(build);
            var qemu = new QemuOptions()
                .WithKernel(parse.GetValue(kernel))
                .WithKvm(parse.GetValue(kvm))
                .WithTimeout(TimeSpan.FromSeconds(parse.GetValue(timeout)));
            var target = parse.GetValue(host) ? KernelTarget.Host : KernelTarget.Qemu;
            var backendName = parse.GetValue(backend)!;
            var series = parse.GetValue(release);
            var sourceSeries = parse.GetValue(source);
            var prefix = KernelCheck.ReplayPrefix(seqOptions, target, qemu)
                + (series is null ? "" : $" --kernel-release {series}")
                + (buildKernel ? KernelBuildCli.ReplayArguments(sourceSeries, patches) : "")
                + $" --backend {backendName}";
            if (buildKernel)
            {
                if (await KernelBuildCli.BuildAsync(sourceSeries, patches, ct) is not { } image)
                    return ExitCodes.Failed;
                qemu = qemu.WithKernel(image.Path);
            }

            if (series is not null)
            {
                try
                {
                    qemu = qemu.WithKernel(await DebianKernel.ResolveAsync(series, ct));
                }
                catch (InvalidOperationException e)
                {
                    Console.Error.WriteLine($"kernel: Debian's {series} is not available: {e.Message}");
                    return ExitCodes.Failed;
                }
            }

            if (parse.GetValue(lockStats))
            {
                return await LockStatCli.RunAsync(seqOptions, target, qemu, (_, flags) => backendFactory(backendName, flags), factory,
                    backendName, prefix, parse.GetValue(runs), parse.GetValue(modelRuns), ct);
            }

            var targetShard = parse.GetValue(shard);
            IReadOnlyCollection<int>? indices = parse.GetValue(only) is { } one ? [one]
                : targetShard.Count > 1 ? [.. targetShard.Units(seqOptions.Sequences)]
                : null;
            var jsonPath = parse.GetValue(json)?.FullName;
            return await SweepRun.ExecuteAsync(KernelSweep.Kind, Parameters(seqOptions, target, qemu, series, buildKernel ? sourceSeries ?? "6.1" : null, patches, backendName),
                seqOptions.Sequences, targetShard, parse.GetValue(result), async () =>
                {
                    if (indices is { Count: 0 })
                        return [];
                    var check = await KernelCheck.RunAsync(seqOptions, target, qemu, (_, flags) => backendFactory(backendName, flags),
                        Config, indices, prefix, ct);
                    return KernelSweep.Units(check);
                }, f => Report(f, jsonPath));
        });
        return cmd;
    }

    /// <summary>Prints the report of a whole or merged kernel sweep (the table, then PASS or FAIL) and returns the exit code.</summary>
    internal static int Report(SweepFile file) => Report(file, null);

    private static int Report(SweepFile file, string? jsonPath)
    {
        if (file.Results.Count == 0)
        {
            Console.WriteLine($"shard {file.Shard} holds none of the {file.Units} sequences: nothing to run");
            return ExitCodes.Clean;
        }

        var report = KernelSweep.ToReport(file);
        Console.Write(report.ToTable());
        if (jsonPath is not null)
            AtomicFile.WriteAllText(jsonPath, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine(report.Passed ? "PASS: the model matches the kernel" : "FAIL: see the mismatches above");
        return report.Passed ? ExitCodes.Clean : ExitCodes.Findings;
    }

    /// <summary>The options that define the sweep (what each sequence is and what it is compared against).</summary>
    private static SortedDictionary<string, string> Parameters(SequenceOptions s, KernelTarget target, QemuOptions qemu, string? series,
        string? built, IReadOnlyList<string> patches, string backend) => new(StringComparer.Ordinal)
    {
        ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
        ["sequences"] = s.Sequences.ToString(CultureInfo.InvariantCulture),
        ["ops"] = s.OpsPerSequence.ToString(CultureInfo.InvariantCulture),
        ["races"] = s.Races ? "true" : "false",
        ["target"] = target == KernelTarget.Host ? "host" : qemu.Kvm ? "qemu kvm" : "qemu tcg",
        ["kernel"] = built is not null ? "built" + (built == "6.1" ? "" : " --source " + built) + string.Concat(patches.Select(p => " --patch " + p))
            : series is not null ? "debian " + series
            : qemu.KernelPath ?? "default",
        ["backend"] = backend,
    };
}
