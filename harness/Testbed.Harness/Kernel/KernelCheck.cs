// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Kernel;

/// <summary>
/// The whole kernel check: generate the sequences, run them in the kernel (QEMU or host), run
/// them through the model, compare, and return the report.
/// </summary>
public static class KernelCheck
{
    /// <summary>Runs the check.</summary>
    /// <param name="sequences">What to generate.</param>
    /// <param name="target">Where the kernel side runs.</param>
    /// <param name="qemu">How to boot (ignored on the host).</param>
    /// <param name="backendFactory">Makes a model address space for a config name and creation flags.</param>
    /// <param name="config">The model config ("mmu-spf").</param>
    /// <param name="only">Run only this sequence index (a replay); null runs them all.</param>
    /// <param name="replayPrefix">The command line that reruns this check, to which "--only N" is appended.</param>
    /// <param name="ct">Cancels the run.</param>
    public static async Task<(KernelComparisonReport Report, GuestRun Run)> RunAsync(
        SequenceOptions sequences,
        KernelTarget target,
        QemuOptions qemu,
        Func<string, MmFlags, IAddressSpace> backendFactory,
        string config = "mmu-spf",
        int? only = null,
        string? replayPrefix = null,
        CancellationToken ct = default)
    {
        var gen = new SequenceGenerator(sequences);
        var batch = only is { } i
            ? new KernelBatch(sequences.WindowBase, sequences.WindowPages, sequences.Seed, [gen.Generate(i)])
            : gen.Generate();
        var prefix = replayPrefix ?? ReplayPrefix(sequences, target, qemu);
        return await RunBatchAsync(batch, target, qemu, backendFactory, config, idx => $"{prefix} --only {idx}", ct);
    }

    /// <summary>Runs a batch made by the caller (generated, hand-written, or both) and compares it.</summary>
    public static async Task<(KernelComparisonReport Report, GuestRun Run)> RunBatchAsync(
        KernelBatch batch,
        KernelTarget target,
        QemuOptions qemu,
        Func<string, MmFlags, IAddressSpace> backendFactory,
        string config,
        Func<int, string> replay,
        CancellationToken ct = default)
    {
        var run = await GuestRunner.RunAsync(batch, target, qemu, ct);
        var report = new ModelComparer(backendFactory, config, KernelRules.For(run.KernelRelease)).Compare(batch, run.Report, replay);
        var errors = report.Errors.ToList();
        if (!run.Report.Finished)
            errors.Add($"the guest did not finish (exit code {run.ExitCode}); console log tail:\n{Tail(run.ConsoleLog, 2000)}");
        return (report with
        {
            Where = run.Where,
            KernelRelease = run.KernelRelease,
            BootTime = run.BootTime,
            KernelWallTime = run.WallTime,
            Errors = errors,
        }, run);
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
        return cmd;
    }

    private static string Tail(string s, int n) => s.Length <= n ? s : s[^n..];
}
