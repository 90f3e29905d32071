// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using Testbed.Harness.Bench;

namespace Testbed.Harness.Simulation;

/// <summary>
/// The virtual machine a simulation runs on: its <see cref="Topology"/> (sockets, cores, SMT
/// siblings and the OS's CPU numbering) and what one cache-line transfer costs between two
/// hardware threads of one core, two cores of one socket, and two sockets. Which CPU a virtual
/// CPU runs on is its benchmark's (<see cref="ThreadPlacement"/>). Every parameter says where it came from (<see cref="Source"/>,
/// <see cref="Topology.Source"/>); none is fitted to an anchor.
/// </summary>
public sealed record Machine(string Name, Topology Topology, double SiblingNs, double SameSocketNs, double CrossSocketNs, string Source)
{
    /// <summary>A machine without SMT: <paramref name="cpus"/> cores split evenly over <paramref name="sockets"/>, numbered socket by socket.</summary>
    public Machine(string name, int cpus, int sockets, double sameSocketNs, double crossSocketNs, string source)
        : this(name, Topology.OneThreadPerCore(cpus, sockets, source), 0, sameSocketNs, crossSocketNs, source)
    {
    }

    /// <summary>CPUs (hardware threads), all sockets.</summary>
    public int Cpus => Topology.Cpus;

    /// <summary>Sockets.</summary>
    public int Sockets => Topology.Sockets;

    /// <summary>The socket of CPU <paramref name="cpu"/>.</summary>
    public int SocketOf(int cpu) => Topology.SocketOf(cpu);

    /// <summary>
    /// The memory node of CPU <paramref name="cpu"/>: one node per socket (x86's NUMA nodes on
    /// the anchors' machines), each with one Normal zone and its zone->lock; a CPU allocates
    /// from its own node.
    /// </summary>
    public int NodeOf(int cpu) => SocketOf(cpu);

    /// <summary>
    /// The zone->lock's hold per page refilled or drained, ns: <see cref="PerCpuPages.StructPageMissesPerPage"/>
    /// misses on struct page, each a transfer between two cores of one socket (the page's struct
    /// page was last written by another CPU of its node). Source: <see cref="PerCpuPages.Source"/>.
    /// </summary>
    public double ZoneHoldNsPerPage => PerCpuPages.StructPageMissesPerPage * SameSocketNs;

    /// <summary>
    /// The lru_lock's hold per acquisition before its pages, ns: <see cref="LruLists.LruvecMissesPerAcquisition"/>
    /// misses on the node's lruvec, each a transfer between two cores of one socket (the previous
    /// holder wrote it). Source: <see cref="LruLists.Source"/>.
    /// </summary>
    public double LruAcquireHoldNs => LruLists.LruvecMissesPerAcquisition * SameSocketNs;

    /// <summary>
    /// The lru_lock's hold per page a zap releases, ns: <see cref="LruLists.StructPageMissesPerReleasedPage"/>
    /// misses on struct page at one same-socket transfer each. Source: <see cref="LruLists.Source"/>.
    /// </summary>
    public double LruReleaseHoldNsPerPage => LruLists.StructPageMissesPerReleasedPage * SameSocketNs;

    /// <summary>
    /// What moving a line from <paramref name="from"/>'s cache to <paramref name="to"/>'s costs, ns:
    /// nothing on the same CPU; <see cref="SiblingNs"/> between two hardware threads of one core
    /// (they share its L1 and L2: no transfer between cores); <see cref="SameSocketNs"/> between
    /// two cores of one socket; <see cref="CrossSocketNs"/> otherwise.
    /// </summary>
    public double Transfer(int from, int to)
    {
        if (from == to)
            return 0;
        if (Topology.CoreOf(from) == Topology.CoreOf(to))
            return SiblingNs;
        return SocketOf(from) == SocketOf(to) ? SameSocketNs : CrossSocketNs;
    }

    /// <summary>
    /// What one core gets done with k of its hardware threads busy, relative to one thread alone
    /// (<see cref="SmtThroughput"/>, its source named); <see cref="SmtThroughput.NotModelled"/>
    /// (every thread at full speed) unless the machine's is published.
    /// </summary>
    public SmtThroughput SmtCoreThroughput { get; init; } = SmtThroughput.NotModelled;

    /// <summary>
    /// How much longer local work takes on a CPU whose core runs <paramref name="busy"/> threads
    /// of the run (its own included): busy / <see cref="SmtCoreThroughput"/>(busy); 1 alone.
    /// </summary>
    public double LocalSlowdown(int busy)
    {
        if (busy < 1 || busy > Topology.ThreadsPerCore)
            throw new ArgumentOutOfRangeException(nameof(busy), busy, $"{busy} busy threads on a core of {Topology.ThreadsPerCore}");
        return SmtCoreThroughput.Slowdown(busy);
    }

    /// <summary>
    /// The kernel's base page (PAGE_SIZE), bytes: x86-64's 4 KiB unless the machine's kernel is
    /// known to run another (<see cref="BasePageSource"/>). A workload shaped in bytes faults
    /// once per base page, and a fault's page work is the base page's
    /// (<see cref="Simulator.ForBasePage"/>).
    /// </summary>
    public int BasePageBytes { get; init; } = (int)BenchPlan.Page;

    /// <summary>Where <see cref="BasePageBytes"/> came from.</summary>
    public string BasePageSource { get; init; } = "x86-64's base page: 4 KiB (PAGE_SHIFT 12), its only one";

    /// <summary>
    /// The base page in the model's 4 KiB pages (1 on x86, 16 for 64 KiB): the model maps 4 KiB
    /// pages, so a base page is that many of them, its one fault mapping the first
    /// (<see cref="BenchPlan.CheckBasePages"/>).
    /// </summary>
    public int BasePages => BenchPlan.CheckBasePages(BasePageBytes / (int)BenchPlan.Page);

    /// <summary>A sleeping lock waiter's wake → run latency, ns, charged to the sleeper (0 until <see cref="WithWakeup"/>).</summary>
    public double WakeupNs { get; init; }

    /// <summary>The waker's own time in the wake, ns, charged to the releaser once per sleeper it lets in.</summary>
    public double WakeCallNs { get; init; }

    /// <summary>
    /// The machine's own wake-up from a published figure (<see cref="PublishedWakeup"/>), taken
    /// with <see cref="WakeupChoice.Published"/> only; null when none of its family was found.
    /// </summary>
    public PublishedWakeup? OwnWakeup { get; init; }

    /// <summary>
    /// The machine's cpuidle states (<see cref="IdleStates"/>), held beside <see cref="OwnWakeup"/>:
    /// a published pipe figure's sleeps are too short for a deep state, a sleeper on mmap_sem's
    /// are not. Taken with <see cref="WakeupChoice.Published"/> only (<see cref="SleeperIdle"/>);
    /// the wake-up measured here already holds its host's idle behaviour.
    /// </summary>
    public IdleStates? OwnIdleStates { get; init; }

    /// <summary>The idle states a woken sleeper's CPU leaves (<see cref="SleeperIdleExitNs"/>): set by <see cref="WithWakeup"/> with <see cref="WakeupChoice.Published"/> only, else null.</summary>
    public IdleStates? SleeperIdle { get; init; }

    /// <summary>
    /// What a sleeper that slept <paramref name="sleptNs"/> pays beyond <see cref="WakeupNs"/>:
    /// the exit latency of the state its CPU idled in (<see cref="IdleStates.ExitNs"/>) less that
    /// of the state the published figure's own sleeps (half its round trip each) already hold,
    /// never below 0; 0 without <see cref="SleeperIdle"/>.
    /// </summary>
    public double SleeperIdleExitNs(double sleptNs) => SleeperIdle is { } idle && OwnWakeup is { } own
        ? Math.Max(0, idle.ExitNs(sleptNs) - idle.ExitNs(own.LatencyNs))
        : 0;

    /// <summary>Why a machine without <see cref="OwnWakeup"/> takes the wake-up measured here whatever the choice.</summary>
    public string WakeupNote { get; init; } = "";

    /// <summary>Where <see cref="WakeupNs"/> and <see cref="WakeCallNs"/> came from, the choice named (empty until <see cref="WithWakeup"/>).</summary>
    public string WakeupSource { get; init; } = "";

    /// <summary>
    /// The machine with its wake-up: <paramref name="measured"/>, the one measured here
    /// (<see cref="Calibration.Wakeup"/>: the kernel's futex wake between two pinned threads,
    /// <see cref="WakeupLatency"/>), unless <paramref name="choice"/> is
    /// <see cref="WakeupChoice.Published"/> and the machine has its own
    /// (<see cref="OwnWakeup"/>, derived from a published figure of its family).
    /// </summary>
    public Machine WithWakeup(Wakeup measured, WakeupChoice choice = WakeupChoices.Default)
    {
        ArgumentNullException.ThrowIfNull(measured);
        var here = $"--wakeup {choice.Name()}: measured here (native/bench wakeup)";
        return (OwnWakeup, choice) switch
        {
            ({ } own, WakeupChoice.Published) => this with
            {
                WakeupNs = own.LatencyNs,
                WakeCallNs = own.WakeCallNs,
                SleeperIdle = OwnIdleStates,
                WakeupSource = $"--wakeup published: {own.Source}; {own.Derivation}; " + (OwnIdleStates is { } idle
                    ? string.Format(CultureInfo.InvariantCulture,
                        "plus, per sleep, the exit latency of the deepest idle state whose target residency fits the sleep (an oracle governor) " +
                        "less the {0:F0} ns the figure's own sleeps of {1:F0} ns already hold: {2}", idle.ExitNs(own.LatencyNs), own.LatencyNs, idle.Source)
                    : "no idle states of its family found: no exit latency added"),
            },
            ({ } own, _) => this with
            {
                WakeupNs = measured.LatencyNs,
                WakeCallNs = measured.WakeCallNs,
                WakeupSource = string.Format(CultureInfo.InvariantCulture,
                    "{0}: a VM's hand-over given to a bare-metal machine (the default, --wakeup published, takes its family's perf bench " +
                    "sched pipe figure, wake -> run {1:F0} ns, wake call {2:F0} ns, plus its idle exits)",
                    here, own.LatencyNs, own.WakeCallNs),
            },
            _ => this with { WakeupNs = measured.LatencyNs, WakeCallNs = measured.WakeCallNs, WakeupSource = $"{here}: {WakeupNote}" },
        };
    }

    /// <summary>
    /// The same machine with more cores per socket when it has fewer than <paramref name="cpus"/>
    /// CPUs (the validation's 4-CPU points on this 2-CPU machine); its sockets, SMT, numbering
    /// and costs kept.
    /// </summary>
    public Machine WithAtLeast(int cpus)
    {
        if (cpus <= Cpus)
            return this;
        var t = Topology;
        var perCore = t.Sockets * t.ThreadsPerCore; // CPUs one more core per socket adds
        return this with { Topology = new Topology(t.Sockets, (cpus + perCore - 1) / perCore, t.ThreadsPerCore, t.Numbering, t.Source) };
    }

    /// <summary>The same machine with every transfer free (the zero-cost invariants).</summary>
    public Machine WithoutTransfers() => this with { Name = Name + " (no transfer cost)", SiblingNs = 0, SameSocketNs = 0, CrossSocketNs = 0 };
}
