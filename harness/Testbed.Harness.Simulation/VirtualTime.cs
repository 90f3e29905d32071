// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics.CodeAnalysis;
using Testbed.Contract;
using Testbed.Harness.Scheduling;
using Testbed.Managed.Kernel;

namespace Testbed.Harness.Simulation;

/// <summary>
/// The discrete-event core: a scheduling strategy for <see cref="ControlledScheduler"/> that
/// keeps one virtual clock per thread (one virtual CPU each, on the machine's CPU its placement
/// names: <see cref="ThreadPlacement"/>) and always resumes the runnable
/// thread whose clock is earliest, so the model's own code runs its scheduling points in
/// virtual-time order. Ties go to the lock's queue order: among threads woken from a wait, the
/// one whose wait began earlier, then threads not woken from a wait, lowest-numbered first
/// (<see cref="RunsBefore"/>). No model of the protocol is written here;
/// each point costs:
/// <list type="bullet">
/// <item>local work: the operation's calibrated single-thread time, spread evenly over the
/// segments between its points (<see cref="BeginOp"/>), except the kernel's added work of a
/// kind with page events, which is charged per page where the model does its page work
/// (<see cref="OnPage"/>, called through <see cref="PageWork.Hook"/>: a cost, not a point);
/// on a CPU whose core runs k threads of the run, each takes the machine's
/// <see cref="Machine.LocalSlowdown"/>(k) times as long (the core's execution resources are
/// shared: <see cref="Machine.SmtCoreThroughput"/>). k is the placement's, fixed for the run: a
/// sibling that has finished its window still counts, as the benchmarks' threads all run until
/// the run ends (a finished window is the simulation's, not the benchmark's); a thread waiting
/// for a lock is not taken off its core either (its spinning or its idle loop shares the core:
/// not modelled). Transfers, waits and wake-ups are not scaled;</item>
/// <item>the page allocator's zone->lock, the one lock of the kernel's page work that CPUs
/// share: each CPU keeps 4.16's per-CPU list count (<see cref="PerCpuPages"/>) for its node's
/// zone, starting where a steady state leaves it (spread over [0, batch) among the node's
/// CPUs); an allocation from an empty list refills <see cref="PerCpuPages.Batch"/> pages, a
/// free that brings it to <see cref="PerCpuPages.High"/> drains as many, and each takes its
/// node's <see cref="NodeLock"/>: it waits until the lock is free, pays one transfer of the
/// lock's line from the previous holder, and keeps the lock busy for batch × the machine's
/// <see cref="Machine.ZoneHoldNsPerPage"/>. That hold is part of the page work already charged
/// per page (the host kernel's measured cost includes its own buddy work), so it is not added
/// to the holder's clock again: it only occupies the lock, and it never exceeds the kind's page
/// work (none when no page work is charged: the model's own costs have no allocator). The
/// order is the engine's: a page event happens between scheduling points, at the clock of a
/// thread that may have run ahead of threads with earlier clocks, so a refill can find the lock
/// reserved by a hold that, in virtual time, began after it asked — the same approximation as
/// a line's <see cref="CacheLine.FreeAt"/>, bounded by how far a thread runs between points (a
/// fault's one page; a zap's PTE table, at most 512 pages, 16 drains);</item>
/// <item>the LRU's pgdat->lru_lock, the same way (<see cref="LruLists"/>, <see cref="NodeLock"/>,
/// one per node): each CPU keeps 4.16's lru_add pagevec count, spread over [0, pagevec) at the
/// start as the lists are; a fault's new page joining the LRU (<see cref="PageEvent.LruAdd"/>,
/// under the PTE lock) that fills it drains it, and a zap's freed page is released from the
/// LRU (<see cref="PageEvent.Free"/>, before it goes to the per-CPU list), one acquisition per
/// <see cref="LruLists.LockBatch"/> consecutive pages of an operation. Each acquisition waits
/// until the lock is free, pays one transfer of its line from the previous holder, and keeps
/// it busy for <see cref="Machine.LruAcquireHoldNs"/>, plus <see cref="Machine.LruReleaseHoldNsPerPage"/>
/// per released page, end to end (the zap's other page work lies before the release). Like the
/// zone's, the hold is inside the page work already charged, never above a page's work and
/// none without it;</item>
/// <item>a transfer, when the point's line (the lock, atomic or seqcount it names, on the line
/// the backend's layout puts it: mmap_sem, page_table_lock and mm_rb_lock share the mm_struct's
/// lines as the kernel's do) is in another CPU's cache: a write (lock, unlock, atomic, seqcount
/// write) takes the line exclusive, a read (seqcount read) shares it; a line moves to one CPU
/// at a time; a plain access the model reports through <see cref="LineAccess.Hook"/> (a fault's
/// walk reading mm->pgd, find_vma reading mm_rb's root, mmap_sem's owner and wait lock) is an
/// access of that line at that moment, after any write to it another CPU requested earlier
/// (<see cref="OnLineAccess"/>);</item>
/// <item>for a lock acquisition that found the lock taken: the wait until the holder's
/// release, then one transfer when the retry takes it (retries that fail again, behind
/// another waiter, move nothing: the kernel's waiters sleep). Each acquisition that had to
/// wait is counted once, on its lock's line (<see cref="CacheLine.Blocked"/>);</item>
/// <item>for an rw_semaphore (4.16's rwsem-xadd.c, native/kernel/locks.c and RwSemaphore
/// alike), what the lock's own code reports: a spinner (<see cref="SchedPoint.SemWaitWriteOnWriter"/>,
/// on the semaphore) waits like a spinlock_t or rwlock_t waiter (<see cref="SchedPoint.Blocked"/>):
/// the wait only. A sleeper (<see cref="SchedPoint.SemWaitRead"/>, <see cref="SchedPoint.SemWaitWrite"/>,
/// on its own wait) runs only after a waker's <see cref="SchedPoint.Wake"/> on that wait: each
/// wake call costs the waker <see cref="Machine.WakeCallNs"/>, one after another (the k-th wakee
/// of a release is woken k − 1 calls after it), and the wakee its wake → run latency
/// (<see cref="Machine.WakeupNs"/>, plus with --wakeup published the exit of the idle state its CPU slept in,
/// <see cref="Machine.SleeperIdleExitNs"/>) from the start of its call, which that latency holds. A woken reader already holds the lock (the waker
/// granted it); a woken writer then competes (a transfer when it takes the lock) and, robbed by a
/// spinner, sleeps again and pays the next wake-up too. A wake-up is a cost, not a point: no
/// segment of local work.</item>
/// </list>
/// Everything here runs on the one thread the scheduler lets run (under its lock, or between
/// its hand-overs), so nothing needs locking of its own.
/// </summary>
public sealed class VirtualTime : ISchedulingStrategy, IPointObserver
{
    private readonly Machine machine;
    private readonly IReadOnlyList<double> segmentNs;
    private readonly IReadOnlyList<double> pageNs;
    private readonly IReadOnlyList<double> zapNs;
    private readonly ThreadClock[] clocks;
    private readonly int[] cpus;
    private readonly double[] localSlowdown;
    private readonly Dictionary<object, CacheLine> lines = [];
    private readonly long[] pointsByKind;
    private readonly long[] opsByKind;
    private readonly long[] pagesByKind;
    private readonly long[] currentPoints;

    // Per thread: the points its operation made from its first page event on, and whether it
    // had one; per kind, their sum over the operations (a munmap's zap's points).
    private readonly long[] currentPagedPoints;
    private readonly bool[] paged;
    private readonly long[] pointsAfterPageByKind;
    private readonly NodeLock[] zones;
    private readonly int[] pcpCount;
    private readonly NodeLock[] lrus;
    private readonly int[] pagevecCount;
    private readonly int[] releaseRun;
    private readonly Func<object, object> lineOf;
    private double now;
    private long waitsBegun;

    // The operation the calling thread runs (set by BeginOp on that thread): whose clock a page event charges.
    [ThreadStatic]
    private static VirtualTime? opOwner;

    [ThreadStatic]
    private static int opThread;

    /// <param name="machine">Topology and transfer costs.</param>
    /// <param name="threads">Virtual CPUs (one thread each).</param>
    /// <param name="segmentNs">Local work of one segment of an operation, per kind index (see <see cref="BeginOp"/>).</param>
    /// <param name="pageNs">Local work of one page event of an operation, per kind index (see <see cref="OnPage"/>); null: none.</param>
    /// <param name="cpus">The machine's CPU each thread runs on (distinct); null: thread t on CPU t.</param>
    /// <param name="lineOf">The cache line a point's object sits on (an object that names it); null: each object is its own line.</param>
    /// <param name="zapNs">The model's own work of one page a zap clears (a <see cref="PageEvent.Free"/> or <see cref="PageEvent.Unmap"/>), per kind index, charged with no lock (see <see cref="OnPage"/>); null: none.</param>
    public VirtualTime(Machine machine, int threads, IReadOnlyList<double> segmentNs, IReadOnlyList<double>? pageNs = null,
        IReadOnlyList<int>? cpus = null, Func<object, object>? lineOf = null, IReadOnlyList<double>? zapNs = null)
    {
        this.lineOf = lineOf ?? (o => o);
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(segmentNs);
        if (threads > machine.Cpus)
            throw new ArgumentOutOfRangeException(nameof(threads), $"{threads} threads on {machine.Name}'s {machine.Cpus} CPUs");
        this.machine = machine;
        this.segmentNs = segmentNs;
        this.pageNs = pageNs ?? new double[segmentNs.Count];
        if (this.pageNs.Count != segmentNs.Count)
            throw new ArgumentException($"{this.pageNs.Count} page costs for {segmentNs.Count} kinds", nameof(pageNs));
        this.zapNs = zapNs ?? new double[segmentNs.Count];
        if (this.zapNs.Count != segmentNs.Count)
            throw new ArgumentException($"{this.zapNs.Count} zap costs for {segmentNs.Count} kinds", nameof(zapNs));
        this.cpus = cpus is null ? [.. Enumerable.Range(0, threads)] : [.. cpus];
        if (this.cpus.Length != threads || this.cpus.Any(c => c < 0 || c >= machine.Cpus) || this.cpus.Distinct().Count() != threads)
            throw new ArgumentException($"a placement of {threads} threads on distinct CPUs of {machine.Name}'s {machine.Cpus}: [{string.Join(", ", this.cpus)}]", nameof(cpus));
        clocks = [.. Enumerable.Range(0, threads).Select(_ => new ThreadClock())];
        var busy = this.cpus.GroupBy(machine.Topology.CoreOf).ToDictionary(g => g.Key, g => g.Count());
        localSlowdown = [.. this.cpus.Select(cpu => machine.LocalSlowdown(busy[machine.Topology.CoreOf(cpu)]))];
        pointsByKind = new long[segmentNs.Count];
        opsByKind = new long[segmentNs.Count];
        pagesByKind = new long[segmentNs.Count];
        currentPoints = new long[threads];
        currentPagedPoints = new long[threads];
        paged = new bool[threads];
        pointsAfterPageByKind = new long[segmentNs.Count];
        zones = [.. Enumerable.Range(0, machine.Sockets).Select(_ => new NodeLock())];
        pcpCount = StartingLists(machine, this.cpus, PerCpuPages.Batch);
        lrus = [.. Enumerable.Range(0, machine.Sockets).Select(_ => new NodeLock())];
        pagevecCount = StartingLists(machine, this.cpus, LruLists.PagevecSize);
        releaseRun = new int[threads];
    }

    // Where a long run leaves the per-CPU lists (and pagevecs, size = the pagevec's): a CPU
    // that allocates cycles its count through size − 1 … 0, each at its own phase, so the counts
    // start evenly spread over [0, size) among the CPUs of a node (by their order in the node),
    // not all alike — a cold start would have every CPU of a node refill (or drain) at its
    // first fault, at once, a convoy the benchmark's minutes of steady state do not have. Alone
    // on its node a CPU starts at 0. A thread's node is its CPU's (cpus: thread -> CPU).
    private static int[] StartingLists(Machine machine, int[] cpus, int size)
    {
        var threads = cpus.Length;
        var perNode = new int[machine.Sockets];
        for (var t = 0; t < threads; t++)
            perNode[machine.NodeOf(cpus[t])]++;
        var rank = new int[machine.Sockets];
        var lists = new int[threads];
        for (var t = 0; t < threads; t++)
        {
            var node = machine.NodeOf(cpus[t]);
            lists[t] = rank[node]++ * size / perNode[node];
        }
        return lists;
    }

    /// <summary>The machine's CPU thread <paramref name="thread"/> runs on.</summary>
    public int CpuOf(int thread) => cpus[thread];

    /// <summary>How much longer thread <paramref name="thread"/>'s local work takes than alone on its core (1 without busy siblings).</summary>
    public double LocalSlowdownOf(int thread) => localSlowdown[thread];

    /// <summary>The clocks, per thread.</summary>
    internal IReadOnlyList<ThreadClock> Clocks => clocks;

    /// <summary>The lines the run touched, by the object that names each (see the constructor's lineOf).</summary>
    internal IReadOnlyDictionary<object, CacheLine> LineObjects => lines;

    /// <summary>Wake-ups of sleepers (each paid one wake → run latency), all CPUs.</summary>
    public long Sleeps => clocks.Sum(c => c.Sleeps);

    /// <summary>Virtual ns spent on wake-ups (the sleepers' latencies and the releasers' wake calls), all CPUs.</summary>
    public double SleepNs => clocks.Sum(c => c.Sleep);

    /// <summary>Virtual ns waiting for locks (wake-ups included), all CPUs.</summary>
    public double WaitNs => clocks.Sum(c => c.Wait);

    /// <summary>Scheduling points (blocked retries not counted) per operation kind index.</summary>
    public IReadOnlyList<long> PointsByKind => pointsByKind;

    /// <summary>
    /// Scheduling points made from the operation's first page event on (<see cref="OnPage"/>),
    /// per kind index: for munmap its zap (which its first page starts) and what follows it.
    /// </summary>
    public IReadOnlyList<long> PointsAfterPageByKind => pointsAfterPageByKind;

    /// <summary>Operations per kind index.</summary>
    public IReadOnlyList<long> OpsByKind => opsByKind;

    /// <summary>Page events (<see cref="OnPage"/>) per operation kind index.</summary>
    public IReadOnlyList<long> PagesByKind => pagesByKind;

    /// <summary>Refills of a per-CPU list from its zone (each one zone->lock acquisition), all CPUs.</summary>
    public long ZoneRefills { get; private set; }

    /// <summary>Drains of a per-CPU list to its zone (each one zone->lock acquisition), all CPUs.</summary>
    public long ZoneDrains { get; private set; }

    /// <summary>zone->lock acquisitions that found the lock held and waited.</summary>
    public long ZoneWaits { get; private set; }

    /// <summary>Virtual ns waited for a zone->lock, all CPUs (part of <see cref="WaitNs"/>).</summary>
    public double ZoneWaitNs { get; private set; }

    /// <summary>The part of <see cref="ZoneWaitNs"/> that drains waited (the frees of a zap; the rest is refills, a fault's allocation).</summary>
    public double ZoneDrainWaitNs { get; private set; }

    /// <summary>Drains of a CPU's lru_add pagevec onto its node's LRU (each one lru_lock acquisition), all CPUs.</summary>
    public long LruDrains { get; private set; }

    /// <summary>lru_lock acquisitions of a zap's release (one per <see cref="LruLists.LockBatch"/> consecutive freed pages of an operation), all CPUs.</summary>
    public long LruReleases { get; private set; }

    /// <summary>lru_lock acquisitions that found the lock held and waited.</summary>
    public long LruWaits { get; private set; }

    /// <summary>Virtual ns waited for an lru_lock, all CPUs (part of <see cref="WaitNs"/>).</summary>
    public double LruWaitNs { get; private set; }

    /// <summary>The part of <see cref="LruWaitNs"/> that releases waited (a zap's frees; the rest is pagevec drains, a fault's).</summary>
    public double LruReleaseWaitNs { get; private set; }

    /// <summary>CPU <paramref name="thread"/>'s virtual clock now, ns.</summary>
    public double NowOf(int thread) => clocks[thread].Now;

    /// <summary>Line transfers CPU <paramref name="thread"/> has paid (the zone->lock's line included).</summary>
    public long TransfersOf(int thread) => clocks[thread].Transfers;

    /// <summary>The pages on CPU <paramref name="thread"/>'s per-CPU list now.</summary>
    public int PcpCount(int thread) => pcpCount[thread];

    /// <summary>The pages on CPU <paramref name="thread"/>'s lru_add pagevec now.</summary>
    public int PagevecCount(int thread) => pagevecCount[thread];

    /// <summary>Thread <paramref name="thread"/> starts an operation of kind index <paramref name="kind"/>: the segment before its first point.</summary>
    public void BeginOp(int thread, int kind)
    {
        var c = clocks[thread];
        c.Kind = kind;
        c.Segment = segmentNs[kind];
        currentPoints[thread] = 0;
        currentPagedPoints[thread] = 0;
        paged[thread] = false;
        opOwner = this;
        opThread = thread;
        Charge(thread, c.Segment);
    }

    /// <summary>
    /// The <see cref="PageWork.Hook"/>: the calling thread's operation did one page of work
    /// (a fault's page allocation, a page its zap cleared), now, between the points around it:
    /// its clock takes the kind's per-page work, and an allocation or a free goes through its
    /// per-CPU list (an allocation takes the zone->lock before its page work when the list is
    /// empty, a free after it when the list reaches high); a free is first released from the
    /// LRU under the node's lru_lock. The fault's page joining the LRU is no page work of its
    /// own (not counted, nothing charged): it goes on the CPU's pagevec and drains a full one
    /// under the lru_lock. A page a zap clears (a free or an unmap) also takes the kind's zap work,
    /// the model's own zap loop for that entry: time, not page work, so no lock holds it.
    /// Outside an operation of this run (set-up) nothing.
    /// </summary>
    public void OnPage(PageEvent page)
    {
        if (!InOperation(out var thread, out var c))
            return;
        var ns = pageNs[c.Kind];
        if (page == PageEvent.LruAdd)
        {
            if (ns > 0 && ++pagevecCount[thread] == LruLists.PagevecSize)
            {
                LruDrains++;
                TakeLru(thread, Math.Min(machine.LruAcquireHoldNs, ns), release: false);
                pagevecCount[thread] = 0;
            }
            return;
        }
        pagesByKind[c.Kind]++;
        paged[thread] = true;
        var hold = Math.Min(machine.ZoneHoldNsPerPage, ns);
        if (page == PageEvent.Allocate && hold > 0)
        {
            if (pcpCount[thread] == 0)
            {
                ZoneRefills++;
                TakeZone(thread, hold, drain: false);
                pcpCount[thread] += PerCpuPages.Batch;
            }
            pcpCount[thread]--;
        }
        Charge(thread, ns);
        // The model's own zap work of this entry: its time, not page work (no lock holds it).
        if (page is PageEvent.Free or PageEvent.Unmap)
            Charge(thread, zapNs[c.Kind]);
        if (page == PageEvent.Free && ns > 0)
            ReleaseFromLru(thread, ns);
        if (page == PageEvent.Free && hold > 0 && ++pcpCount[thread] >= PerCpuPages.High)
        {
            ZoneDrains++;
            TakeZone(thread, hold, drain: true);
            pcpCount[thread] -= PerCpuPages.Batch;
        }
    }

    // release_pages for one freed page of CPU thread's operation: the first page of a lock
    // batch takes the node's lru_lock (its lruvec miss and this page), each further one
    // lengthens the hold end to end while this CPU still holds it; after LockBatch pages, or
    // when another CPU took the lock in between, the next page takes it again.
    private void ReleaseFromLru(int thread, double ns)
    {
        var perPage = Math.Min(machine.LruReleaseHoldNsPerPage, ns);
        var lru = lrus[machine.NodeOf(cpus[thread])];
        if (releaseRun[thread] is > 0 and < LruLists.LockBatch && lru.Holder == thread)
        {
            lru.FreeAt += perPage;
            releaseRun[thread]++;
            return;
        }
        LruReleases++;
        TakeLru(thread, Math.Min(machine.LruAcquireHoldNs, ns) + perPage, release: true);
        releaseRun[thread] = 1;
    }

    // An lru_lock acquisition by CPU thread (TakeNodeLock), then the lock busy for hold.
    private void TakeLru(int thread, double hold, bool release)
    {
        if (TakeNodeLock(lrus[machine.NodeOf(cpus[thread])], thread, hold) is var wait and > 0)
        {
            LruWaits++;
            LruWaitNs += wait;
            if (release)
                LruReleaseWaitNs += wait;
        }
    }

    /// <summary>
    /// The <see cref="LineAccess.Hook"/>: the calling thread's operation read (or wrote) a field
    /// on the line <paramref name="line"/> names (a fault's walk reading mm->pgd on mmap_sem's
    /// line, right after the down_read), now, between two points. Another CPU's write to the
    /// line requested no later than now (a thread waiting at a point that writes it, whose clock
    /// is not after this one's) goes first, as a coherence protocol serves the request queued
    /// before this one: then the access, and any this thread makes after it before its next
    /// point, is made when this thread next runs, once the threads with earlier clocks have made
    /// theirs, and pays one transfer from the line's new owner (busy, like any move). Except the
    /// first plain access after a point, of the line that point's own access took (get_vma's
    /// read of mm_rb's root right after its read_lock): the kernel's load follows the locked
    /// instruction within cycles, from the CPU's own cache, before a queued request can take the
    /// line — <see cref="ThreadClock.PointLine"/>. Otherwise, and then, it is made now: a hit
    /// when this CPU holds the line (a read: it has just written it, or shares it; a write: it
    /// holds it exclusive), else a transfer. Outside an operation of this run (set-up) nothing.
    /// </summary>
    public void OnLineAccess(object line, bool write)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!InOperation(out var thread, out var c))
            return;
        var key = lineOf(line);
        var followsPoint = ReferenceEquals(c.PointLine, key);
        c.PointLine = null;
        if (!followsPoint && (c.PendingAccesses.Count > 0 || WriteRequested(key, thread, c.Now)))
            c.PendingAccesses.Add((key, write));
        else
            Access(thread, key, write);
    }

    // The thread whose operation of this run reports a cost hook's event, and its clock; false
    // outside one (set-up, or another run's operation).
    private bool InOperation(out int thread, [NotNullWhen(true)] out ThreadClock? clock)
    {
        thread = opThread;
        clock = ReferenceEquals(opOwner, this) ? clocks[thread] : null;
        return clock is { Kind: >= 0 };
    }

    // Whether a CPU other than thread waits to write line with a request made no later than at.
    private bool WriteRequested(object line, int thread, double at)
    {
        for (var t = 0; t < clocks.Length; t++)
        {
            var o = clocks[t];
            if (t != thread && o.PendingWrite && o.PendingLine is { } pending && ReferenceEquals(lineOf(pending), line) && o.Now <= at)
                return true;
        }
        return false;
    }

    // A refill or drain by CPU thread (TakeNodeLock), then the lock busy for a batch of holds.
    private void TakeZone(int thread, double holdPerPage, bool drain)
    {
        if (TakeNodeLock(zones[machine.NodeOf(cpus[thread])], thread, PerCpuPages.Batch * holdPerPage) is var wait and > 0)
        {
            ZoneWaits++;
            ZoneWaitNs += wait;
            if (drain)
                ZoneDrainWaitNs += wait;
        }
    }

    // CPU thread takes one of its node's locks: once it is free, its line from the last
    // holder, then the lock busy for hold (already in the page work charged). A CPU does not
    // wait for its own last hold, which is inside page work it has charged; its next hold still
    // begins when that one ends, so the lock's holds never overlap. Returns the wait.
    private double TakeNodeLock(NodeLock nodeLock, int thread, double hold)
    {
        var c = clocks[thread];
        var wait = nodeLock.Holder != thread ? c.WaitUntil(nodeLock.FreeAt) : 0;
        if (nodeLock.Holder >= 0 && nodeLock.Holder != thread)
        {
            var cost = Move(nodeLock.Holder, thread);
            c.Transfer += cost;
            c.Now += cost;
            c.Transfers++;
        }
        nodeLock.Holder = thread;
        nodeLock.FreeAt = Math.Max(nodeLock.FreeAt, c.Now) + hold;
        return wait;
    }

    /// <summary>
    /// The operation ends: the segment after its last point has already been charged at the
    /// start (every operation has points + 1 segments: the one before its first point and one
    /// after each point). Records when it ended.
    /// </summary>
    public void EndOp(int thread)
    {
        var c = clocks[thread];
        pointsByKind[c.Kind] += currentPoints[thread];
        pointsAfterPageByKind[c.Kind] += currentPagedPoints[thread];
        opsByKind[c.Kind]++;
        c.OpEnds.Add(c.Now);
        // release_pages' last batch ends with the operation (the munmap's tlb_finish_mmu).
        releaseRun[thread] = 0;
        c.Kind = -1;
        c.Segment = 0;
        opOwner = null;
    }

    /// <inheritdoc/>
    public void OnPoint(int thread, SchedPoint point, object? obj)
    {
        var c = clocks[thread];
        if (point == SchedPoint.Wake)
        {
            if (obj is not null)
                WakeSleeper(thread, obj);
            return;
        }
        if (SchedHook.IsBlocked(point))
        {
            // A failed try: it waits (not runnable) until a release or a wake-up, or the
            // scheduler's retry round. A retry that fails again moved no line: a kernel lock's
            // waiter waits in its queue and touches the lock once, when it gets it.
            c.Retrying = null;
            c.WaitingOn = obj ?? this;
            // A sleeper names its own wait; its lock is the one its last LOCK point named.
            var sleeps = point is SchedPoint.SemWaitRead or SchedPoint.SemWaitWrite;
            if (!c.Blocking)
            {
                if ((sleeps ? c.LastLock : obj) is { } lockObj)
                    LineOf(lockObj).Blocked++;
                // Its place in the queue: a retry that fails again keeps it.
                c.WaitBegan = c.Now;
                c.WaitSeq = waitsBegun++;
            }
            c.Blocking = true;
            c.Sleeping = sleeps;
            c.SleepsToWrite = point == SchedPoint.SemWaitWrite;
            return;
        }
        c.Blocking = false;
        c.Sleeping = false;
        if (c.Retrying is { } acquired)
        {
            // The retry after a release or a writer's wake-up took the lock: one transfer from
            // the releaser.
            c.Retrying = null;
            Access(thread, acquired, write: true);
        }
        currentPoints[thread]++;
        if (paged[thread])
            currentPagedPoints[thread]++;
        Charge(thread, c.Segment);
        switch (point)
        {
            case SchedPoint.Unlock when obj is not null:
                // UNLOCK comes after the release: its write has happened, now.
                Access(thread, obj, write: true);
                Release(thread, obj);
                break;
            case SchedPoint.Lock when obj is not null:
                c.LastLock = obj;
                c.PendingLine = obj;
                c.PendingWrite = true;
                break;
            case SchedPoint.Atomic or SchedPoint.SeqBegin or SchedPoint.SeqEnd when obj is not null:
                c.PendingLine = obj;
                c.PendingWrite = true;
                break;
            case SchedPoint.SeqRead when obj is not null:
                c.PendingLine = obj;
                c.PendingWrite = false;
                break;
        }
    }

    /// <inheritdoc/>
    public int Choose(int step, int previous, IReadOnlyList<int> enabled)
    {
        // A thread the scheduler made runnable without a release we saw (its retry round after
        // every thread blocked, e.g. a grace period): it resumes no earlier than now.
        foreach (var t in enabled)
        {
            if (clocks[t].WaitingOn is { } lockObj)
                Wake(t, lockObj, now);
        }
        var chosen = enabled[0];
        for (var i = 1; i < enabled.Count; i++)
        {
            if (RunsBefore(enabled[i], chosen))
                chosen = enabled[i];
        }
        var c = clocks[chosen];
        now = Math.Max(now, c.Now);
        foreach (var (line, write) in c.PendingAccesses)
            Access(chosen, line, write);
        c.PendingAccesses.Clear();
        c.PointLine = null;
        if (c.PendingLine is { } pendingLine)
        {
            c.PendingLine = null;
            Access(chosen, pendingLine, c.PendingWrite);
            c.PointLine = lineOf(pendingLine);
        }
        return chosen;
    }

    // Earliest clock first. Equal clocks are mostly the waiters one release woke (each resumes
    // at the release): they retry in the order they began to wait, as 4.16's locks serve their
    // queues — rw_semaphore's wait_list is FIFO (rwsem_down_read_failed and
    // rwsem_down_write_failed add at the tail, __rwsem_mark_wake grants from the head), as are
    // qspinlock's MCS queue (spinlock_t) and qrwlock's wait_lock (rwlock_t). Never CPU order:
    // that passed a lock's line along consecutive CPUs, siblings on POWER's numbering. A woken
    // waiter goes before a thread that was not waiting (a newcomer queues behind the waiters,
    // and the readers __rwsem_mark_wake wakes hold the lock before they run); those keep the
    // lowest number first. A pure function of the run: the engine's own order breaks equal
    // wait starts.
    private bool RunsBefore(int a, int b)
    {
        ThreadClock ca = clocks[a], cb = clocks[b];
        if (ca.Now != cb.Now)
            return ca.Now < cb.Now;
        if (ca.Blocking != cb.Blocking)
            return ca.Blocking;
        if (ca.Blocking && ca.WaitBegan != cb.WaitBegan)
            return ca.WaitBegan < cb.WaitBegan;
        if (ca.Blocking)
            return ca.WaitSeq < cb.WaitSeq;
        return a < b;
    }

    // Local work of thread: ns alone on its core, longer with busy siblings.
    private void Charge(int thread, double ns)
    {
        var c = clocks[thread];
        var local = ns * localSlowdown[thread];
        c.Now += local;
        c.Local += local;
    }

    // The release of lockObj at the releaser's clock: every thread blocked on it resumes then,
    // and its retry writes the lock's line (one transfer from the releaser).
    private void Release(int thread, object lockObj)
    {
        var at = clocks[thread].Now;
        for (var t = 0; t < clocks.Length; t++)
        {
            if (t != thread && clocks[t].WaitingOn is { } w && w.Equals(lockObj))
                Wake(t, lockObj, at);
        }
    }

    // The waker's wake call on the sleeper waiting on wait (none, if nobody sleeps there any
    // more: a second wake of a woken writer). The sleeper runs its wake → run latency after the
    // call began: that latency was measured from the waker's clock before its FUTEX_WAKE
    // (native/bench wakeup), so it holds the call; the waker pays the call itself.
    private void WakeSleeper(int waker, object wait)
    {
        for (var t = 0; t < clocks.Length; t++)
        {
            var c = clocks[t];
            if (t == waker || c.WaitingOn is not { } w || !w.Equals(wait))
                continue;
            var by = clocks[waker];
            // It slept from its block (its clock stood still since) to this call: its CPU
            // idled that long and leaves its idle state before it runs.
            var slept = Math.Max(0, by.Now - c.Now);
            Wake(t, wait, by.Now);
            by.SpendWaking(machine.WakeCallNs);
            c.SpendWaking(machine.WakeupNs + machine.SleeperIdleExitNs(slept));
            c.Sleeps++;
            return;
        }
    }

    // thread may run again at `at`: it retries the lock it waited for (a sleeper: a woken
    // writer its semaphore; a granted reader holds it already; the scheduler's retry round
    // lets a sleeper only look again).
    private void Wake(int thread, object lockObj, double at)
    {
        var c = clocks[thread];
        c.WaitingOn = null;
        c.WaitUntil(at);
        if (c.Sleeping)
            c.Retrying = c.SleepsToWrite ? c.LastLock : null;
        else if (!ReferenceEquals(lockObj, this))
            c.Retrying = lockObj;
    }

    // The line obj sits on (obj: a point's object, or a line a plain access named).
    private CacheLine LineOf(object obj)
    {
        var key = lineOf(obj);
        if (!lines.TryGetValue(key, out var line))
        {
            line = new CacheLine();
            lines.Add(key, line);
        }
        return line;
    }

    // What moving a line from thread from's cache to thread to's costs: the machine's
    // transfer between the CPUs they run on.
    private double Move(int from, int to) => machine.Transfer(cpus[from], cpus[to]);

    // A line's owner and sharers are threads (each on its one CPU).
    private void Access(int thread, object obj, bool write)
    {
        var line = LineOf(obj);
        var c = clocks[thread];
        double cost = 0;
        if (write)
        {
            if (line.Owner != thread)
            {
                if (line.Owner >= 0)
                    cost = Move(line.Owner, thread);
                foreach (var s in line.Sharers)
                {
                    if (s != thread)
                        cost = Math.Max(cost, Move(s, thread));
                }
                var moved = line.Owner >= 0 || line.Sharers.Any(s => s != thread);
                line.Owner = thread;
                line.Sharers.Clear();
                if (moved)
                    Transfer(c, line, cost, busy: true);
            }
        }
        else if (!line.Holds(thread))
        {
            if (line.Owner >= 0)
            {
                cost = Move(line.Owner, thread);
                line.Sharers.Add(line.Owner);
                line.Sharers.Add(thread);
                line.Owner = -1;
                Transfer(c, line, cost, busy: true);
            }
            else if (line.Sharers.Count > 0)
            {
                cost = line.Sharers.Min(s => Move(s, thread));
                line.Sharers.Add(thread);
                Transfer(c, line, cost, busy: false);
            }
            else
                line.Owner = thread; // first touch: exclusive, as MESI's E state
        }
    }

    // A transfer starts when the line is free of the previous one; an exclusive move keeps it busy until it lands.
    private static void Transfer(ThreadClock c, CacheLine line, double cost, bool busy)
    {
        var start = Math.Max(c.Now, line.FreeAt);
        var end = start + cost;
        c.Transfer += end - c.Now;
        c.Now = end;
        c.Transfers++;
        line.Transfers++;
        if (busy)
            line.FreeAt = end;
    }
}
