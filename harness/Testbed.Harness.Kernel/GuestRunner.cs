// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using CliWrap;

namespace Testbed.Harness.Kernel;

/// <summary>
/// Builds the guest program, and runs a batch with it: on the host, or inside QEMU through
/// scripts/qemu (ensure-deps.sh, build-initramfs.sh, boot.sh), all driven through CliWrap.
/// </summary>
public static partial class GuestRunner
{
    /// <summary>
    /// Builds native/guest/out/guest (make; a no-op when it is up to date) and returns its path.
    /// A tree with the built guest but not its sources (the container image's, which has no make
    /// or gcc) uses the guest as it is.
    /// </summary>
    public static async Task<string> EnsureGuestBuiltAsync(string root, CancellationToken ct = default)
    {
        if (!RepoPaths.HasGuestSources(root) && File.Exists(RepoPaths.GuestBinary(root)))
            return RepoPaths.GuestBinary(root);
        var stderr = new StringBuilder();
        var result = await Cli.Wrap("make")
            .WithArguments(["-s", "-C", RepoPaths.GuestDir(root)])
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(ct);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"building the guest program failed: {stderr}");
        return RepoPaths.GuestBinary(root);
    }

    /// <summary>Runs <paramref name="batch"/> where <paramref name="target"/> says.</summary>
    public static Task<GuestRun> RunAsync(KernelBatch batch, KernelTarget target, QemuOptions qemu, CancellationToken ct = default) =>
        target == KernelTarget.Host ? RunOnHostAsync(batch, ct) : RunInQemuAsync(batch, qemu, ct);

    /// <summary>Runs the guest program directly on the host kernel.</summary>
    public static async Task<GuestRun> RunOnHostAsync(KernelBatch batch, CancellationToken ct = default)
    {
        var root = RepoPaths.Root();
        var guest = await EnsureGuestBuiltAsync(root, ct);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var sw = Stopwatch.StartNew();
        var result = await Cli.Wrap(guest)
            .WithStandardInputPipe(PipeSource.FromString(batch.ToGuestInput()))
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(ct);
        return new GuestRun(GuestOutputParser.Parse(stdout.ToString()), stderr.ToString(), TimeSpan.Zero, sw.Elapsed,
            Environment.OSVersion.Version.ToString(), "host", result.ExitCode);
    }

    /// <summary>
    /// Builds an initramfs with the batch baked in and boots it under QEMU. The console log is
    /// scripts/qemu/boot.sh's stdout; the guest's records come from the second serial port.
    /// </summary>
    public static async Task<GuestRun> RunInQemuAsync(KernelBatch batch, QemuOptions qemu, CancellationToken ct = default)
    {
        var root = RepoPaths.Root();
        var scripts = RepoPaths.QemuScripts(root);
        var guest = await EnsureGuestBuiltAsync(root, ct);
        await RunScriptAsync(Path.Combine(scripts, "ensure-deps.sh"), [], ct);

        var work = Directory.CreateTempSubdirectory("testbed-kernel-");
        try
        {
            var seqFile = Path.Combine(work.FullName, "seq.txt");
            var initrd = Path.Combine(work.FullName, "initramfs.cpio.gz");
            var data = Path.Combine(work.FullName, "guest.out");
            await File.WriteAllTextAsync(seqFile, batch.ToGuestInput(), ct);
            await RunScriptAsync(Path.Combine(scripts, "build-initramfs.sh"), [guest, seqFile, initrd], ct);

            var args = new List<string>
            {
                "--initrd", initrd, "--data", data,
                "--timeout", ((int)Math.Ceiling(qemu.Timeout.TotalSeconds)).ToString(),
                "--memory", qemu.MemoryMiB.ToString(), "--cpus", qemu.Cpus.ToString(),
            };
            if (qemu.KernelPath is { } k)
                args.AddRange(["--kernel", k]);
            if (qemu.Kvm)
                args.Add("--kvm");

            var console = new StringBuilder();
            var stderr = new StringBuilder();
            var boot = TimeSpan.Zero;
            var sw = Stopwatch.StartNew();
            var result = await Cli.Wrap(Path.Combine(scripts, "boot.sh"))
                .WithArguments(args)
                .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
                {
                    if (boot == TimeSpan.Zero && line.Contains("@@TESTBED BOOTED", StringComparison.Ordinal))
                        boot = sw.Elapsed;
                    console.AppendLine(line);
                }))
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(ct);
            var wall = sw.Elapsed;
            var log = console.Append(stderr).ToString();
            var report = GuestOutputParser.Parse(File.Exists(data) ? await File.ReadAllTextAsync(data, ct) : "");
            if (result.ExitCode == 124)
                report = report with { Errors = [.. report.Errors, $"QEMU timed out after {qemu.Timeout.TotalSeconds:F0} s"] };
            var release = ReleaseRegex().Match(log) is { Success: true } m ? m.Groups[1].Value : "";
            return new GuestRun(report, log, boot, wall, release, qemu.Kvm ? "qemu KVM" : "qemu TCG", result.ExitCode);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task RunScriptAsync(string script, IEnumerable<string> args, CancellationToken ct)
    {
        var output = new StringBuilder();
        var result = await Cli.Wrap(script)
            .WithArguments(args)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(output))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(ct);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(script)} failed ({result.ExitCode}): {output}");
    }

    [GeneratedRegex(@"@@TESTBED BOOTED .*kernel (\S+)")]
    private static partial Regex ReleaseRegex();
}
