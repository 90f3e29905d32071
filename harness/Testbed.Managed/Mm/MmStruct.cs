// SPDX-License-Identifier: GPL-2.0-only
// Port of struct mm_struct (include/linux/mm_types.h, 4.16 + SPF: mm_rb_lock) and of
// the per-mm bookkeeping of native/api (violation log, event log, counters).
// The mm/*.c functions live in the partial files Mmap.cs, Mprotect.cs, Mempolicy.cs
// and Memory.cs.
using System.Runtime.CompilerServices;
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

/// <summary>struct mm_struct.</summary>
internal sealed partial class MmStruct
{
    /// <summary>PAGE_SHIFT.</summary>
    public const int PageShift = 12;

    /// <summary>PAGE_SIZE.</summary>
    public const ulong PageSize = 1UL << PageShift;

    /// <summary>TASK_SIZE.</summary>
    public const ulong TaskSize = 0x7ffffffff000UL;

    /// <summary>mmap_min_addr.</summary>
    public const ulong MmapMinAddr = 0x10000UL;

    /// <summary>mmap_base (fixed: no randomisation).</summary>
    public const ulong MmapBaseAddr = 0x7f0000000000UL;

    /// <summary>sysctl_max_map_count.</summary>
    public const int SysctlMaxMapCount = 65530;

    private const int MaxEvents = 1 << 22;

    private readonly Lock logLock = new();
    private readonly List<Violation> violations = [];
    private readonly List<LifecycleEvent> events = [];
    private ulong eventSeq;
    private long eventsLost;
    private volatile TraceMode tracing;
    private long opSeq;
    private static long arenas;

    /// <summary>Creates an empty mm of a fault design: SPF (optionally with RCU-kept VMAs), per-VMA locks, or neither.</summary>
    public MmStruct(bool spf, ManagedOptions options, MmFlags flags = MmFlags.None, bool spfRcu = false, bool perVmaLock = false,
        bool vmaRefcnt = false, KmemAccount? family = null, bool spfReuseVma = false)
    {
        Kmem = family ?? new KmemAccount();
        Spf = spf;
        SpfRcu = spf && spfRcu;
        PerVmaLock = perVmaLock && !spf;
        VmaRefcnt = PerVmaLock && vmaRefcnt;
        SpfReuseVma = VmaRefs && spfReuseVma;
        Options = options;
        Flags = flags;
        Lines = new MmLines(Spf, PerVmaLock);
        MmapSem = new RwSemaphore(LockRank.MmapSem, new RwSemLines(Lines.SemWait, Lines.SemWaitListHead));
    }

    /// <summary>The kernel's cache lines of this mm_struct (its design's kernel: 4.16 + SPF, or 6.4).</summary>
    public MmLines Lines { get; }

    /// <summary>
    /// The line a scheduling point's object sits on: mmap_sem (its count) and page_table_lock on
    /// <see cref="MmLines.Sem"/>, mm_rb_lock on <see cref="MmLines.Tree"/>; anything else (a VMA's
    /// fields, a PTE lock, an anon_vma) is its own line.
    /// </summary>
    public object LineOf(object obj) =>
        ReferenceEquals(obj, MmapSem) || ReferenceEquals(obj, PageTableLock) ? Lines.Sem
        : ReferenceEquals(obj, MmRbLock) ? Lines.Tree
        : obj;

    /// <summary>CONFIG_SPF_RCU: the speculative fault keeps its VMA with an RCU read-side section, not vm_ref_count.</summary>
    public bool SpfRcu { get; }

    /// <summary>CONFIG_PER_VMA_LOCK: 6.4's per-VMA locks.</summary>
    public bool PerVmaLock { get; }

    /// <summary>CONFIG_VMA_REFCNT: 6.15's vm_refcnt in place of the per-VMA lock; the VMA cache is typesafe by RCU.</summary>
    public bool VmaRefcnt { get; }

    /// <summary>
    /// CONFIG_SPF_REUSE_VMA (mmu-spf-v9): a speculative attempt that gives up hands its VMA, still
    /// referenced, to the classic path, which reuses it if can_reuse_spf_vma holds (SPF v9).
    /// </summary>
    public bool SpfReuseVma { get; }

    /// <summary>VMAs carry vm_ref_count (get_vma/put_vma): SPF without RCU.</summary>
    public bool VmaRefs
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Spf && !SpfRcu;
    }

    /// <summary>Faults find VMAs without mmap_sem: in mm_rb under mm_rb_lock (SPF), in mm_mt under RCU (the RCU designs).</summary>
    public bool LocklessWalk => Spf || PerVmaLock;

    /// <summary>VMAs are freed only after a grace period (mmu-vmrefcnt: its cache is typesafe by RCU instead).</summary>
    public bool RcuFree => SpfRcu || (PerVmaLock && !VmaRefcnt);

    /// <summary>The fault walks mm_mt under RCU alone (every design after SPF).</summary>
    public bool MapleIndex => SpfRcu || PerVmaLock;

    /// <summary>What this mm can do, as the native library reports it in tb_config_info.caps.</summary>
    public Capabilities Capabilities =>
        (VmaRefs ? Capabilities.GetVma : Capabilities.None) | (LocklessWalk ? Capabilities.LocklessFaults : Capabilities.None);

    /// <summary>The tb_mm_create flags: which kernel's rules this mm follows where they differ.</summary>
    public MmFlags Flags { get; }

    /// <summary>CONFIG_SPECULATIVE_PAGE_FAULT.</summary>
    public bool Spf { get; }

    /// <summary>Test-only switches.</summary>
    public ManagedOptions Options { get; }

    /// <summary>
    /// nommu: this mm's "machine" of physical memory (a unique serial), the first key of
    /// the global region tree, so addresses never depend on other mms.
    /// </summary>
    public long Arena { get; } = Interlocked.Increment(ref arenas);

    /// <summary>Slab accounting of this mm's fork family.</summary>
    public KmemAccount Kmem { get; }

    /// <summary>mmap: the sorted VMA list.</summary>
    public VmAreaStruct? Mmap;

    /// <summary>
    /// mm_users: the threads sharing the mm (tb_mm_set_threads) plus the API calls in flight,
    /// each of which holds one while it runs, as native/api's pin does.
    /// </summary>
    public int MmUsers = 1;

    /// <summary>The threads sharing the mm (1 = the mm's first; 0 once the mm exited).</summary>
    public int NrThreads = 1;

    /// <summary>exit_mmap has begun: the last user is gone, nobody can look the tree up.</summary>
    public volatile bool Exiting;

    /// <summary>mm_rb.</summary>
    public readonly RbRoot<VmAreaStruct> MmRb = new();

    /// <summary>mm_lock_seq (per-VMA locks): bumped by mmap_write_unlock, ending every VMA write mark.</summary>
    public int MmLockSeq;

    /// <summary>
    /// mm_mt (the RCU designs): every VMA over its range, kept in step by the writers under
    /// mmap_sem, walked by the fault under RCU alone (6.4's maple tree).
    /// </summary>
    public readonly VmaIndex MmMt = new();

    /// <summary>mm_rb_lock (SPF with vm_ref_count): writers around insert/erase, get_vma for read.</summary>
    public readonly RwLock MmRbLock = new(LockRank.MmRbLock);

    /// <summary>mmap_sem.</summary>
    public readonly RwSemaphore MmapSem;

    /// <summary>page_table_lock: anon_vma installation and page-table page allocation (not the PTEs).</summary>
    public readonly SpinLockT PageTableLock = new(LockRank.PageTableLock);

    /// <summary>mmap_base.</summary>
    public ulong MmapBase = MmapBaseAddr;

    /// <summary>map_count.</summary>
    public int MapCount;

    /// <summary>highest_vm_end.</summary>
    public ulong HighestVmEnd;

    /// <summary>Next op_seq for an operation that passed the handle check.</summary>
    public ulong NextOpSeq() => (ulong)Interlocked.Increment(ref opSeq);

    /// <summary>The op_seq of the latest operation (observation calls are tagged with it).</summary>
    public ulong CurrentOpSeq => (ulong)Volatile.Read(ref opSeq);

    /// <summary>Which events are recorded (tb_trace's mode).</summary>
    public TraceMode Tracing
    {
        get => tracing;
        set => tracing = value;
    }

    /// <summary>Appends a violation to this mm's log.</summary>
    public void RecordViolation(string site, int line, string message, OpKind op, ulong seq)
    {
        lock (logLock)
            violations.Add(new Violation((ulong)violations.Count + 1, seq, (uint)line, op, site, message));
    }

    /// <summary>The violations so far.</summary>
    public IReadOnlyList<Violation> Violations()
    {
        lock (logLock)
            return violations.ToArray();
    }

    /// <summary>How many violations were recorded.</summary>
    public int ViolationCount
    {
        get
        {
            lock (logLock)
                return violations.Count;
        }
    }

    /// <summary>Appends an event when tracing.</summary>
    public void TraceEvent(EventType type, ulong objectId, long value, OpKind op, ulong seq)
    {
        if (tracing == TraceMode.Off)
            return;
        // As tb_trace_event: order events only when asked for, and only inside an operation.
        if (type >= EventType.VmaWriteBegin && (tracing != TraceMode.Order || op == OpKind.None))
            return;
        lock (logLock)
        {
            if (events.Count >= MaxEvents)
            {
                eventsLost++;
                return;
            }
            events.Add(new LifecycleEvent(++eventSeq, seq, objectId, value, type, op));
        }
    }

    /// <summary>Returns and forgets the recorded events.</summary>
    public IReadOnlyList<LifecycleEvent> DrainEvents()
    {
        lock (logLock)
        {
            var result = events.ToArray();
            events.Clear();
            return result;
        }
    }

    /// <summary>Events dropped because the log was full.</summary>
    public ulong EventsLost
    {
        get
        {
            lock (logLock)
                return (ulong)eventsLost;
        }
    }
}
