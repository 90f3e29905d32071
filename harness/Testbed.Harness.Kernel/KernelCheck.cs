// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Kernel;

/// <summary>
/// The whole kernel check: generate the sequences, run them in the kernel (QEMU or host), run
/// them through the model, compare, and return the report.
/// </summary>
public static class KernelCheck
{
    /// <summary>
    /// Runs the check: the report, the guest run, and what each sequence found
    /// (<see cref="KernelCheckRun.Sequences"/>). Sequence i depends only on the options and i,
    /// so any set of indices runs in one boot and compares as it would in the whole batch.
    /// </summary>
    /// <param name="sequences">What to generate.</param>
    /// <param name="target">Where the kernel side runs.</param>
    /// <param name="qemu">How to boot (ignored on the host).</param>
    /// <param name="backendFactory">Makes a model address space for a config name and creation flags.</param>
    /// <param name="config">The model config ("mmu-spf").</param>
    /// <param name="indices">Run only these sequence indices (a replay, or a shard), ascending; null runs them all.</param>
    /// <param name="replayPrefix">The command line that reruns this check, to which "--only N" is appended.</param>
    /// <param name="ct">Cancels the run.</param>
    public static Task<KernelCheckRun> RunAsync(
        SequenceOptions sequences,
        KernelTarget target,
        QemuOptions qemu,
        Func<string, MmFlags, IAddressSpace> backendFactory,
        string config = "mmu-spf",
        IReadOnlyCollection<int>? indices = null,
        string? replayPrefix = null,
        CancellationToken ct = default)
    {
        var gen = new SequenceGenerator(sequences);
        var batch = indices is null
            ? gen.Generate()
            : new KernelBatch(sequences.WindowBase, sequences.WindowPages, sequences.Seed, [.. indices.Select(gen.Generate)]);
        var prefix = replayPrefix ?? ReplayPrefix(sequences, target, qemu);
        return RunBatchAsync(batch, target, qemu, backendFactory, config, idx => $"{prefix} --only {idx}", ct);
    }

    /// <summary>Runs a batch made by the caller (generated, hand-written, or both) in the kernel and compares it, sequence by sequence.</summary>
    public static async Task<KernelCheckRun> RunBatchAsync(
        KernelBatch batch,
        KernelTarget target,
        QemuOptions qemu,
        Func<string, MmFlags, IAddressSpace> backendFactory,
        string config,
        Func<int, string> replay,
        CancellationToken ct = default)
    {
        var run = await GuestRunner.RunAsync(batch, target, qemu, ct);
        var flags = KernelRules.For(run.KernelRelease);
        var outcomes = new ModelComparer(backendFactory, config, flags).CompareSequences(batch, run.Report, replay);
        var runErrors = run.Report.Errors.ToList();
        if (!run.Report.Finished)
            runErrors.Add($"the guest did not finish (exit code {run.ExitCode}); console log tail:\n{Tail(run.ConsoleLog, 2000)}");
        var report = KernelComparisonReport.FromSequences(batch.Seed, KernelRules.Describe(flags), outcomes, runErrors) with
        {
            Where = run.Where,
            KernelRelease = run.KernelRelease,
            BootTime = run.BootTime,
            GuestRunTime = run.Report.GuestTime,
            GuestSequencesPerSecond = run.Report.SequencesPerSecond,
            KernelWallTime = run.WallTime,
            VmaLock = run.Report.VmaLock,
        };
        return new KernelCheckRun(report, run, outcomes, runErrors);
    }

    /// <summary>The `testbed kernel` command line that regenerates and reruns these sequences.</summary>
    public static string ReplayPrefix(SequenceOptions s, KernelTarget target, QemuOptions qemu)
    {
        var cmd = $"testbed kernel --seed {s.Seed} --sequences {s.Sequences} --ops {s.OpsPerSequence}";
        if (target == KernelTarget.Host)
            cmd += " --host";
        if (qemu.KernelPath is { } k)
            cmd += $" --kernel {k}";
        if (qemu.Kvm)
            cmd += " --kvm";
        if (!s.Races)
            cmd += " --no-race";
        return cmd;
    }

    private static string Tail(string s, int n) => s.Length <= n ? s : s[^n..];
}
