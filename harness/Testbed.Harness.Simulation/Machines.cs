// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// The machines of the anchors, with published transfer costs. The costs are the median
/// core-to-core latencies (one CPU's compare-exchange seen by another, pinned threads) of the
/// table in nviennot/core-to-core-latency's README, for the nearest CPU it lists; where the
/// anchor's own CPU is not there, the nearest relative is named. Nothing here was chosen to
/// make an anchor come out.
/// </summary>
public static class Machines
{
    private const string Table = "nviennot/core-to-core-latency README, median latency tables";

    /// <summary>This machine: its CPU count, one socket, the ping-pong cost measured here.</summary>
    public static Machine Here(int cpus, double pingPongNs) =>
        new("here", cpus, 1, pingPongNs, pingPongNs, $"ping-pong measured on this machine ({pingPongNs:F1} ns)");

    /// <summary>The v11 cover letter's 16-CPU x86 VM (host CPU not published): one socket of a Broadwell Xeon E5-2695 v4, 44 ns.</summary>
    public static Machine X86Vm16 { get; } =
        new("16-CPU x86 VM", 16, 1, 44, 118, Table + ": Xeon E5-2695 v4 (Broadwell, 2016), 44 ns same socket (118 ns across, unused: one socket assumed)");

    /// <summary>The v11 cover letter's 80-CPU Power8: one chip of 10 SMT8 cores assumed; Power8 is not in the table, Power7 is: 173 ns, 443 ns across.</summary>
    public static Machine Power8x80 { get; } =
        new("80-CPU Power8", 80, 1, 173, 443, Table + ": IBM Power7 3.3 GHz (the nearest listed), 173 ns same chip, 443 ns across two; one chip assumed");

    /// <summary>LKP's lkp-skl-4sp1: 192 CPUs of 4 Skylake-SP sockets; the table's nearest is Cascade Lake (Skylake-SP's successor on the same mesh and UPI): 47 ns, 134 ns across.</summary>
    public static Machine SkylakeSp4x192 { get; } =
        new("lkp-skl-4sp1 (192 CPUs, 4 sockets)", 192, 4, 47, 134, Table + ": Xeon Platinum 8275CL (Cascade Lake), 47 ns same socket, 134 ns across (dual-socket figure)");

    /// <summary>The per-VMA-lock series' 2-socket Ice Lake: 128 CPUs assumed (the largest thread count run); Xeon Platinum 8375C: 51 ns, 108 ns across.</summary>
    public static Machine IceLake2x128 { get; } =
        new("2-socket Ice Lake (128 CPUs)", 128, 2, 51, 108, Table + ": Xeon Platinum 8375C (Ice Lake), 51 ns same socket, 108 ns across");

    /// <summary>The published machines.</summary>
    public static IReadOnlyList<Machine> Published { get; } = [X86Vm16, Power8x80, SkylakeSp4x192, IceLake2x128];
}
