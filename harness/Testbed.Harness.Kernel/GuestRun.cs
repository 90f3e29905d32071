// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Kernel;

/// <summary>
/// One run of the guest program: its parsed records, the console (serial) log, how long the
/// boot took (to the init script's "booted" marker; zero on the host), the whole wall time,
/// the kernel release and the exit code of QEMU (or of the guest on the host).
/// </summary>
public sealed record GuestRun(
    GuestReport Report,
    string ConsoleLog,
    TimeSpan BootTime,
    TimeSpan WallTime,
    string KernelRelease,
    string Where,
    int ExitCode);
