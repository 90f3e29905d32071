// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using System.Text.RegularExpressions;
using Testbed.Harness.Worker;

namespace Testbed.Harness.Kernel;

/// <summary>
/// Builds the guest program, and runs a batch with it: on the host, or inside QEMU through
/// scripts/qemu (ensure-deps.sh, build-initramfs.sh, boot.sh), all started by the one launcher
/// (<see cref="ChildProcess"/>).
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
        await ChildProcess.RunCheckedAsync("building the guest program", "make", ["-s", "-C", RepoPaths.GuestDir(root)],
            Timeout.InfiniteTimeSpan, cancellationToken: ct);
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
        var result = await ChildProcess.RunAsync(guest, [], Timeout.InfiniteTimeSpan, io: new ChildIo(Stdin: batch.ToGuestInput()), cancellationToken: ct);
        return new GuestRun(GuestOutputParser.Parse(result.Stdout), result.Stderr, TimeSpan.Zero, result.Elapsed,
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

            var boot = TimeSpan.Zero;
            var sw = Stopwatch.StartNew();
            var earlier = "";
            ChildResult result;
            while (true)
            {
                // boot.sh bounds QEMU itself (--timeout, exit 124)
                result = await ChildProcess.RunAsync(Path.Combine(scripts, "boot.sh"), args, Timeout.InfiniteTimeSpan,
                    io: new ChildIo(StdoutLine: line =>
                    {
                        if (boot == TimeSpan.Zero && line.Contains("@@TESTBED BOOTED", StringComparison.Ordinal))
                            boot = sw.Elapsed;
                    }),
                    cancellationToken: ct);
                // The reference kernel died (Debian's 6.12 about once in 50 TCG boots: an oops in a
                // secondary CPU's idle loop), before /init or during the batch: booted again once
                // with the same batch; a second death stands, and the first log is kept.
                if (!KernelDied(result.ExitCode, result.Stdout) || earlier.Length > 0)
                    break;
                earlier = $"[testbed: the kernel died {(boot == TimeSpan.Zero ? "before /init ran" : "during the batch")}; booted again. " +
                    $"Its console log:]\n{result.Stdout}{result.Stderr}[testbed: the second boot:]\n";
                boot = TimeSpan.Zero;
                sw.Restart();
            }

            var wall = sw.Elapsed;
            var log = earlier + result.Stdout + result.Stderr;
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

    /// <summary>
    /// Whether a QEMU boot ended because its kernel died: QEMU exited 0 (a reset: panic=-1
    /// reboots, -no-reboot ends QEMU) and the console lacks /init's GUEST-EXIT marker, which
    /// /init prints before its own reset whatever the guest program did.
    /// </summary>
    public static bool KernelDied(int qemuExitCode, string console) =>
        qemuExitCode == 0 && !console.Contains("@@TESTBED GUEST-EXIT", StringComparison.Ordinal);

    private static Task RunScriptAsync(string script, IEnumerable<string> args, CancellationToken ct) =>
        ChildProcess.RunCheckedAsync(Path.GetFileName(script), script, args, Timeout.InfiniteTimeSpan, cancellationToken: ct);

    [GeneratedRegex(@"@@TESTBED BOOTED .*kernel (\S+)")]
    private static partial Regex ReleaseRegex();
}
