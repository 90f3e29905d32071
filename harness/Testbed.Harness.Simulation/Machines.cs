// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// The machines of the anchors, with published topologies and transfer costs. The costs are the
/// median core-to-core latencies (one CPU's compare-exchange seen by another, pinned threads) of
/// the tables in nviennot/core-to-core-latency's README — across cores of one socket, across two
/// sockets, and between the two hyper-threads of one core — for the nearest CPU it lists; where
/// the anchor's own CPU is not there, the nearest relative is named. Nothing here was chosen to
/// make an anchor come out. A machine's wake-up of a sleeping lock waiter is the one measured
/// here; where a perf bench sched pipe figure of its family was published the machine holds it
/// (<see cref="Machine.OwnWakeup"/>), taken only with <see cref="WakeupChoice.Published"/>
/// (<see cref="WakeupChoice"/> says why it is not the default); otherwise
/// <see cref="Machine.WakeupNote"/> says why none is held.
/// </summary>
public static class Machines
{
    private const string Table = "nviennot/core-to-core-latency README, median latency tables (single socket, dual sockets, hyper-threads)";

    /// <summary>
    /// Cascade Lake (Skylake-SP's successor: the same cores, mesh and UPI), 4 sockets, 192
    /// CPUs: the kernel test robot's perf-bench-sched-pipe run on lkp-csl-2sp10, v6.17-rc2.
    /// </summary>
    public static PublishedWakeup CascadeLakePipe { get; } = new(1e9 / 217_049, 0.9183,
        "kernel test robot, '[linus:master] [cpuidle] 779b1a1cb1: perf-bench-sched-pipe.ops_per_sec 12.9% regression', " +
        "25 Aug 2025 (lore.kernel.org/oe-lkp/202508251419.d8117ed7-lkp@intel.com): lkp-csl-2sp10, 192 threads 4 sockets Intel Xeon Platinum 9242 " +
        "(Cascade Lake), perf bench sched pipe, threads mode, 10,000,000 ops, performance governor; v6.17-rc2 (the base): 217,049 ops/s " +
        "(4,607 ns per round trip), time.percent_of_cpu_this_job_got 91.83 %, 854,948 context switches/s (3.9 per round trip: the two threads " +
        "on two CPUs, each switching to idle and back)");

    /// <summary>
    /// Power8, an LPAR of 8 nodes and 256 CPUs: Srikar Dronamraju's perf bench sched pipe on
    /// powerpc/next (the series' base), the only Power8 figure found.
    /// </summary>
    public static PublishedWakeup Power8Pipe { get; } = new(6_013.963, null,
        "Srikar Dronamraju, '[PATCH v5 00/10] Coregroup support on Powerpc', linuxppc-dev, 10 Aug 2020 " +
        "(lore.kernel.org/lkml/20200810071834.92514-1-srikar@linux.vnet.ibm.com): Power 8 LPAR (8 nodes, 256 CPUs), perf bench sched pipe " +
        "(processes, 1,000,000 ops), powerpc/next: 6.013963 usecs/op; unpinned, the CPUs the two tasks ran on and their busy share not published");

    /// <summary>
    /// Skylake-SP's (and Cascade Lake's) cpuidle states as intel_idle registers them
    /// (skx_cstates): C1 2 µs exit / 2 µs residency, C1E 10 / 20 µs, C6 133 / 600 µs; taken with
    /// --wakeup published only (<see cref="Machine.SleeperIdle"/>).
    /// </summary>
    public static IdleStates SkylakeSpIdle { get; } = new(
        [new("C1", 2_000, 2_000), new("C1E", 10_000, 20_000), new("C6", 133_000, 600_000)],
        "intel_idle's skx_cstates (drivers/idle/intel_idle.c; 4.x names C1-SKX, C1E-SKX, C6-SKX, 6.1 the same numbers): C1 exit_latency 2 us, " +
        "target_residency 2 us; C1E 10 / 20 us; C6 133 / 600 us (6.1's skx_idle_state_table_update lowers C6 to 92 / 276 us only where the " +
        "BIOS disables package C6; not in 4.16, not taken)");

    /// <summary>
    /// POWER8's cpuidle states under PowerNV: snooze (cpuidle-powernv's polling state, no exit
    /// latency) and the states OPAL puts in the device tree (skiboot's power8_cpu_idle_states):
    /// nap 4 µs exit / 100 µs residency, fastsleep 40 µs / 300 ms; winkle (10 ms / 1 s) serves
    /// CPU hotplug only, not cpuidle. Taken with --wakeup published only.
    /// </summary>
    public static IdleStates Power8Idle { get; } = new(
        [new("nap", 4_000, 100_000), new("fastsleep", 40_000, 300_000_000)],
        "skiboot hw/slw.c power8_cpu_idle_states, the device tree's ibm,cpu-idle-state-latencies-ns / -residency-ns that " +
        "drivers/cpuidle/cpuidle-powernv.c registers after its snooze (polling, no exit latency): nap latency 4,000 ns, residency 100,000 ns; " +
        "fastsleep latency 40,000 ns, residency 300,000,000 ns (winkle, 10 ms / 1 s, is not a cpuidle state)");

    /// <summary>
    /// The Power8's base page: 64 KiB, as every 64-bit Book3S server kernel of the time ran it
    /// (the defconfigs set it; the record's own fault counts say so too).
    /// </summary>
    public const string Power8PageSource =
        "64 KiB (CONFIG_PPC_64K_PAGES, PAGE_SHIFT 16): powernv_defconfig, pseries_defconfig and ppc64_defconfig set CONFIG_PPC_64K_PAGES=y " +
        "in 4.16's time (Joel Stanley, '[PATCH] powerpc/64s: Default to 64K pages for 64 bit book3s', linuxppc-dev, 14 Oct 2021: 'The following " +
        "defconfigs already set CONFIG_PPC_64K_PAGES: ... powernv_defconfig ppc64_defconfig pseries_defconfig'; since then arch/powerpc/Kconfig's " +
        "'default PPC_64K_PAGES if PPC_BOOK3S_64', as in Debian's linux-source-6.1); and the v11 cover letter's own perf counts on the Power8: " +
        "1,874,773 page faults in its 10 s at 24,174 records/s = 7.8 faults per record, where a record's 512 KiB copy has 8 pages of 64 KiB " +
        "(128 of 4 KiB; the x86 VM's counts give 114.5 per record)";

    private const string Power8Review = "AnandTech, 'Assessing IBM's POWER8, Part 1' (J. De Gelas, 2016, anandtech.com/show/10435), page 'Multi Threading Prowess'";

    /// <summary>
    /// An Intel core with both Hyper-Threads busy: 1.15 × one thread alone, the middle of the
    /// 10–20 % gain of Intel's 2-way SMT "in many applications" (AnandTech, beside Intel's own
    /// claim of at most 30 %); no figure of Skylake-SP, Cascade Lake or Ice Lake server itself,
    /// nor of a kernel-like workload on them, was found, so both Intel machines take it.
    /// </summary>
    public static SmtThroughput IntelHyperThreading { get; } = new(new Dictionary<int, double> { [2] = 1.15 },
        Power8Review + ": 'The gains of 2-way SMT (Hyperthreading) on Intel processors are still relatively small (10-20%) in many " +
        "applications' and Intel never claimed more than 30 %: the range's middle, 2 threads at 1.15x one (each at 0.575 of its speed alone); " +
        "no Skylake-SP, Cascade Lake or Ice Lake server figure was found");

    /// <summary>
    /// A POWER8 core: 2 threads at 1.6 × one (each still at about 80 % of its speed alone,
    /// AnandTech after IBM's +60 %), 8 threads at 1.85 × one (derived: AnandTech's LZMA
    /// compression per core — integer, memory-latency bound — has one POWER8 thread at 62 % of a
    /// Haswell core's work at the same clock and the SMT8 core slightly ahead of the
    /// hyper-threaded Haswell core: 1.15 / 0.62, the Intel figure above for Haswell's two
    /// threads); 3 to 7 threads linear between (no SMT4 figure found).
    /// </summary>
    public static SmtThroughput Power8Smt { get; } = new(new Dictionary<int, double> { [2] = 1.6, [8] = 1.85 },
        Power8Review + ": 'with 2-way SMT, a single thread is still running at about 80% of its performance without SMT. IBM claims no less " +
        "than a 60% performance increase': 2 threads at 1.6x; AnandTech, 'The POWER8 Review: Challenging the Intel Xeon' (2015, " +
        "anandtech.com/show/9567), '\"Per Core\" Integer Performance: 7-Zip' (LZMA compression): one POWER8 thread does 62 % of a Haswell " +
        "core's work at the same clock, and 8 threads make the POWER8 core outperform the hyper-threaded Haswell core slightly: " +
        "8 threads at 1.15 / 0.62 = 1.85x one (taken at that bound; Haswell's 2 threads at the Intel 1.15x); 3-7 threads linear between " +
        "(no SMT4 figure found)");

    /// <summary>This machine: its CPU count, one socket, every CPU a core, the ping-pong cost measured here.</summary>
    public static Machine Here(int cpus, double pingPongNs) =>
        new("here", Topology.OneThreadPerCore(cpus, 1, "this machine's CPU count; one socket, every CPU a core (its SMT not modelled)"), 0,
            pingPongNs, pingPongNs, $"ping-pong measured on this machine ({pingPongNs:F1} ns)")
        {
            WakeupNote = "this machine",
        };

    /// <summary>The v11 cover letter's 16-CPU x86 VM (host CPU not published): one socket of a Broadwell Xeon E5-2695 v4, 44 ns; every vCPU a core.</summary>
    public static Machine X86Vm16 { get; } =
        new("16-CPU x86 VM",
            Topology.OneThreadPerCore(16, 1, "v11 cover letter: a 16-CPU x86 VM; its host and vCPU topology are not published: one socket, every vCPU a core assumed"),
            7.6, 44, 118,
            Table + ": Xeon E5-2695 v4 (Broadwell, 2016), 44 ns same socket (118 ns across and 7.6 ns between hyper-threads, unused: one socket, no siblings assumed)")
        {
            WakeupNote = "a VM, as this machine is: its wake-up of an idle vCPU goes through a hypervisor too (host and hypervisor not published)",
        };

    /// <summary>
    /// The v12 cover letter's "24 CPUs x86" (ebizzy, the RCU tree): neither its CPU nor whether
    /// it ran as a VM is published, so it takes the v11 VM's assumptions and costs — one socket,
    /// every CPU a core, Broadwell's 44 ns — and the wake-up measured here.
    /// </summary>
    public static Machine X86x24 { get; } = X86Vm16 with
    {
        Name = "24-CPU x86",
        Topology = Topology.OneThreadPerCore(24, 1, "v12 cover letter: '24 CPUs x86', no more; one socket, every CPU a core assumed (as the v11 VM's)"),
        WakeupNote = "whether it was a VM is not published and no figure of its family was found: the wake-up measured here, as the v11 VM's",
    };

    /// <summary>
    /// The v11 cover letter's 80-CPU Power8: one chip of 10 SMT8 cores assumed, a core's 8 threads
    /// consecutive CPUs (POWER Linux); Power8 is not in the table, Power7 is: 173 ns, 443 ns across,
    /// 70 ns between the hardware threads of one core. Its wake-up with --wakeup published: a Power8
    /// LPAR's pipe round trip (<see cref="Power8Pipe"/>). Its base page: 64 KiB (<see cref="Power8PageSource"/>).
    /// </summary>
    public static Machine Power8x80 { get; } =
        new("80-CPU Power8",
            new Topology(1, 10, 8, CpuNumbering.ThreadsOfACoreTogether,
                "v11 cover letter: '80 CPUs Power8', no more; 10 cores of 8 hardware threads (POWER8's SMT8: IBM Redbook, Power System S822 " +
                "technical overview) on one chip assumed (20 cores at SMT4 would also make 80); a core's threads are consecutive CPUs on POWER Linux"),
            70, 173, 443,
            Table + ": IBM Power7 3.3 GHz (the nearest listed), 173 ns same chip, 443 ns across two (unused: one chip assumed), 70 ns between hardware threads of one core")
        {
            OwnWakeup = Power8Pipe,
            OwnIdleStates = Power8Idle,
            SmtCoreThroughput = Power8Smt,
            BasePageBytes = 64 * 1024,
            BasePageSource = Power8PageSource,
        };

    /// <summary>
    /// The v12 cover letter's "1024 CPUs P8 VM" (ebizzy, the RCU tree): a PowerVM LPAR whose
    /// layout is not published; 128 SMT8 cores on 16 chips of 8 assumed (a 16-socket Power
    /// E880-class frame), a core's 8 threads consecutive CPUs, the 80-CPU Power8's costs, SMT
    /// throughput and 64 KiB pages; a VM, so the wake-up measured here, as the x86 VMs'.
    /// </summary>
    public static Machine Power8Vm1024 { get; } = Power8x80 with
    {
        Name = "1024-CPU Power8 VM",
        Topology = new Topology(16, 8, 8, CpuNumbering.ThreadsOfACoreTogether,
            "v12 cover letter: '1024 CPUS P8 VM', no more; 128 cores of 8 hardware threads (POWER8's SMT8) on 16 chips of 8 cores assumed " +
            "(a 16-socket frame such as the Power E880; cores per chip not published); a core's threads are consecutive CPUs on POWER Linux"),
        Source = Table + ": IBM Power7 3.3 GHz (the nearest listed), as the 80-CPU Power8's: 173 ns same chip, 443 ns across chips, 70 ns between hardware threads of one core",
        OwnWakeup = null,
        OwnIdleStates = null,
        WakeupNote = "a PowerVM LPAR: an idle vCPU's wake passes through the hypervisor, as this VM's does; no figure of its own found",
    };

    /// <summary>
    /// LKP's lkp-skl-4sp1: 4 Skylake-SP sockets of 24 cores with Hyper-Threading (192 CPUs); the
    /// table's nearest is Cascade Lake (Skylake-SP's successor on the same mesh and UPI): 47 ns,
    /// 134 ns across, 7.6 ns between hyper-threads. Its wake-up with --wakeup published: a
    /// 4-socket, 192-CPU Cascade Lake's pipe round trip (<see cref="CascadeLakePipe"/>).
    /// </summary>
    public static Machine SkylakeSp4x192 { get; } =
        new("lkp-skl-4sp1 (192 CPUs, 4 sockets)",
            new Topology(4, 24, 2, CpuNumbering.CoresFirst,
                "lkp-tests hosts/lkp-skl-4sp1 (model Skylake-SP, nr_node 4, nr_cpu 192) and LKP's reports ('192 threads Skylake-4S'): " +
                "Skylake-SP runs 2 threads per core, so 24 cores per socket (as the 24-core Xeon Platinum 8160); x86 Linux numbering"),
            7.6, 47, 134,
            Table + ": Xeon Platinum 8275CL (Cascade Lake), 47 ns same socket, 134 ns across (dual-socket figure), 7.6 ns between hyper-threads")
        {
            OwnWakeup = CascadeLakePipe,
            OwnIdleStates = SkylakeSpIdle,
            SmtCoreThroughput = IntelHyperThreading,
        };

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
            Table + ": Xeon Platinum 8375C (Ice Lake, 32 cores; the 8336C is not listed), 51 ns same socket, 108 ns across, 8.1 ns between hyper-threads")
        {
            WakeupNote = "no published Ice Lake figure was found (Cascade Lake's is another core and mesh generation, not used)",
            SmtCoreThroughput = IntelHyperThreading,
        };

    /// <summary>The published machines.</summary>
    public static IReadOnlyList<Machine> Published { get; } = [X86Vm16, X86x24, Power8x80, Power8Vm1024, SkylakeSp4x192, IceLake2x128];
}
