// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// The machines of the anchors, with published topologies and transfer costs. The costs are the
/// median core-to-core latencies (one CPU's compare-exchange seen by another, pinned threads) of
/// the tables in nviennot/core-to-core-latency's README — across cores of one socket, across two
/// sockets, and between the two hyper-threads of one core — for the nearest CPU it lists; where
/// the anchor's own CPU is not there, the nearest relative is named. Nothing here was chosen to
/// make an anchor come out.
/// </summary>
public static class Machines
{
    private const string Table = "nviennot/core-to-core-latency README, median latency tables (single socket, dual sockets, hyper-threads)";

    /// <summary>This machine: its CPU count, one socket, every CPU a core, the ping-pong cost measured here.</summary>
    public static Machine Here(int cpus, double pingPongNs) =>
        new("here", Topology.OneThreadPerCore(cpus, 1, "this machine's CPU count; one socket, every CPU a core (its SMT not modelled)"), 0,
            pingPongNs, pingPongNs, $"ping-pong measured on this machine ({pingPongNs:F1} ns)");

    /// <summary>The v11 cover letter's 16-CPU x86 VM (host CPU not published): one socket of a Broadwell Xeon E5-2695 v4, 44 ns; every vCPU a core.</summary>
    public static Machine X86Vm16 { get; } =
        new("16-CPU x86 VM",
            Topology.OneThreadPerCore(16, 1, "v11 cover letter: a 16-CPU x86 VM; its host and vCPU topology are not published: one socket, every vCPU a core assumed"),
            7.6, 44, 118,
            Table + ": Xeon E5-2695 v4 (Broadwell, 2016), 44 ns same socket (118 ns across and 7.6 ns between hyper-threads, unused: one socket, no siblings assumed)");

    /// <summary>
    /// The v11 cover letter's 80-CPU Power8: one chip of 10 SMT8 cores assumed, a core's 8 threads
    /// consecutive CPUs (POWER Linux); Power8 is not in the table, Power7 is: 173 ns, 443 ns across,
    /// 70 ns between the hardware threads of one core.
    /// </summary>
    public static Machine Power8x80 { get; } =
        new("80-CPU Power8",
            new Topology(1, 10, 8, CpuNumbering.ThreadsOfACoreTogether,
                "v11 cover letter: '80 CPUs Power8', no more; 10 cores of 8 hardware threads (POWER8's SMT8: IBM Redbook, Power System S822 " +
                "technical overview) on one chip assumed (20 cores at SMT4 would also make 80); a core's threads are consecutive CPUs on POWER Linux"),
            70, 173, 443,
            Table + ": IBM Power7 3.3 GHz (the nearest listed), 173 ns same chip, 443 ns across two (unused: one chip assumed), 70 ns between hardware threads of one core");

    /// <summary>
    /// LKP's lkp-skl-4sp1: 4 Skylake-SP sockets of 24 cores with Hyper-Threading (192 CPUs); the
    /// table's nearest is Cascade Lake (Skylake-SP's successor on the same mesh and UPI): 47 ns,
    /// 134 ns across, 7.6 ns between hyper-threads.
    /// </summary>
    public static Machine SkylakeSp4x192 { get; } =
        new("lkp-skl-4sp1 (192 CPUs, 4 sockets)",
            new Topology(4, 24, 2, CpuNumbering.CoresFirst,
                "lkp-tests hosts/lkp-skl-4sp1 (model Skylake-SP, nr_node 4, nr_cpu 192) and LKP's reports ('192 threads Skylake-4S'): " +
                "Skylake-SP runs 2 threads per core, so 24 cores per socket (as the 24-core Xeon Platinum 8160); x86 Linux numbering"),
            7.6, 47, 134,
            Table + ": Xeon Platinum 8275CL (Cascade Lake), 47 ns same socket, 134 ns across (dual-socket figure), 7.6 ns between hyper-threads");

    /// <summary>
    /// The per-VMA-lock series' pft-threads machine: 2 Ice Lake sockets of 32 cores with
    /// Hyper-Threading (128 CPUs, the largest thread count run); the table's Ice Lake is the
    /// Xeon Platinum 8375C: 51 ns, 108 ns across, 8.1 ns between hyper-threads.
    /// </summary>
    public static Machine IceLake2x128 { get; } =
        new("2-socket Ice Lake (128 CPUs)",
            new Topology(2, 32, 2, CpuNumbering.CoresFirst,
                "Punit Agrawal's pft-threads results (15 Feb 2023): 'a 2-socket 32 core (64 threads) system with Intel 8336C (Ice Lake)', " +
                "run up to 128 threads: 2 sockets x 32 cores x 2 threads; x86 Linux numbering"),
            8.1, 51, 108,
            Table + ": Xeon Platinum 8375C (Ice Lake, 32 cores; the 8336C is not listed), 51 ns same socket, 108 ns across, 8.1 ns between hyper-threads");

    /// <summary>The published machines.</summary>
    public static IReadOnlyList<Machine> Published { get; } = [X86Vm16, Power8x80, SkylakeSp4x192, IceLake2x128];
}
