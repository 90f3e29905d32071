// SPDX-License-Identifier: GPL-2.0-only
// Port of struct vm_area_struct (include/linux/mm_types.h, 4.16 + the SPF series:
// vm_sequence and vm_ref_count).
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

/// <summary>struct vm_area_struct.</summary>
internal sealed class VmAreaStruct : KmemObject
{
    /// <summary>vm_area_cachep allocation: a zeroed VMA with INIT_VMA applied; null on allocation failure.</summary>
    public static VmAreaStruct? Alloc(MmStruct mm)
    {
        if (!mm.Kmem.TryAlloc(CacheKind.Vma, out var id))
            return null;
        var vma = mm.VmaRefcnt && TypesafeCache.Pop() is { } reused ? reused.Reincarnate(mm, id) : new VmAreaStruct(mm, id);
        Kernel.Trace.Event(EventType.VmaAlloc, id, 0);
        return vma;
    }

    /// <summary>
    /// vm_area_alloc from 6.15's typesafe cache: a freed VMA, maybe another mm's, cleared
    /// but for the two fields a stale reader may be reading (vm_refcnt, 0 on every free VMA,
    /// and vm_lock_seq, reset with a store it may race), and handed to <paramref name="mm"/>.
    /// </summary>
    private VmAreaStruct Reincarnate(MmStruct mm, ulong id)
    {
        Reuse(mm.Kmem, id);
        VmStart = VmEnd = RbSubtreeGap = VmPgoff = 0;
        VmNext = VmPrev = null;
        VmFlags = default;
        VmFile = null;
        VmPolicy = null;
        VmRegion = null;
        AnonVma = null;
        Detached = false;
        Volatile.Write(ref VmLockSeq, -1);
        VmSequence = default;
        VmRefCount = default;
        Volatile.Write(ref VmMm, mm);
        InitVma();
        return this;
    }

    /// <summary>
    /// vm_area_free: the raw, traced free of the struct (the end of __free_vma, and error
    /// paths). On the RCU designs it goes to call_rcu (MmStruct.VmAreaFreeRcu).
    /// </summary>
    public void Free()
    {
        Kernel.Trace.Event(EventType.VmaFree, Id, 0);
        if (VmMm.RcuFree)
            VmMm.VmAreaFreeRcu(this);
        else if (VmMm.VmaRefcnt)
            FreeTypesafe();
        else
            KmemCacheFree();
    }

    /// <summary>
    /// 6.15's vm_area_free: no call_rcu, back to the typesafe cache at once. Only a detached
    /// VMA with no reader may go: a stale reader's increment on a free VMA must fail.
    /// </summary>
    private void FreeTypesafe()
    {
        var refcnt = Volatile.Read(ref VmRefcnt);
        Bug.Warn(refcnt != 0, $"vm_area_free: VMA {Id} freed with vm_refcnt {refcnt:x}");
        KmemCacheFree();
        TypesafeCache.Push(this);
    }

    private VmAreaStruct(MmStruct mm, ulong id)
        : base(mm.Kmem, CacheKind.Vma, id)
    {
        VmMm = mm;
        VmRb = new RbNode<VmAreaStruct>(this);
        InitVma();
    }

    /// <summary>vm_start: first byte.</summary>
    public ulong VmStart;

    /// <summary>vm_end: first byte after.</summary>
    public ulong VmEnd;

    /// <summary>vm_next: sorted list.</summary>
    public VmAreaStruct? VmNext;

    /// <summary>vm_prev.</summary>
    public VmAreaStruct? VmPrev;

    /// <summary>vm_rb: node in mm_rb.</summary>
    public readonly RbNode<VmAreaStruct> VmRb;

    /// <summary>rb_subtree_gap: largest free gap before any VMA of this subtree.</summary>
    public ulong RbSubtreeGap;

    /// <summary>vm_mm (6.15's typesafe cache: the mm of this life of the VMA).</summary>
    public MmStruct VmMm;

    /// <summary>vm_flags.</summary>
    public VmFlags VmFlags;

    /// <summary>vm_pgoff, in pages.</summary>
    public ulong VmPgoff;

    /// <summary>vm_file (null: anonymous private).</summary>
    public Kernel.File? VmFile;

    /// <summary>vm_policy (null: MPOL_DEFAULT).</summary>
    public Mempolicy? VmPolicy;

    /// <summary>vm_region (nommu): the memory this VMA maps; null on MMU configs.</summary>
    public VmRegion? VmRegion;

    /// <summary>anon_vma.</summary>
    public AnonVma? AnonVma;

    /// <summary>
    /// anon_vma_chain, reduced to whether this VMA has its one chain entry (no fork in the
    /// model, so a chain holds at most one anon_vma): list_is_singular(&amp;vma->anon_vma_chain).
    /// </summary>
    public bool AnonVmaChainLinked;

    /// <summary>vm_sequence (SPF).</summary>
    public SeqCount VmSequence;

    /// <summary>vm_ref_count (SPF).</summary>
    public RefCount VmRefCount;

    /// <summary>vm_lock_seq (per-VMA locks): equal to mm_lock_seq while write-locked; -1 at birth.</summary>
    public int VmLockSeq = -1;

    /// <summary>vm_lock (per-VMA locks): faults hold it for read, vma_start_write takes it for write.</summary>
    public readonly RwSemaphore VmLock = new(LockRank.VmaLock);

    /// <summary>
    /// vm_refcnt (6.15): 0 detached (every free VMA too), 1 attached, 1 + n with n readers;
    /// plus <see cref="MmStruct.VmaLockOffset"/> while a writer excludes readers.
    /// </summary>
    public int VmRefcnt;

    /// <summary>detached (per-VMA locks): the VMA left the tree.</summary>
    public volatile bool Detached;

    /// <summary>INIT_VMA: empty anon_vma_chain, cleared rb node, sequence 0, one reference.</summary>
    public void InitVma()
    {
        AnonVmaChainLinked = false;
        VmRb.Clear();
        VmSequence.Init();
        VmRefCount.Set(1);
    }

    /// <summary>The `*new = *vma` struct copy of __split_vma, into a fresh allocation.</summary>
    public void CopyFrom(VmAreaStruct src)
    {
        VmStart = src.VmStart;
        VmEnd = src.VmEnd;
        VmNext = src.VmNext;
        VmPrev = src.VmPrev;
        RbSubtreeGap = src.RbSubtreeGap;
        VmFlags = src.VmFlags;
        VmPgoff = src.VmPgoff;
        VmFile = src.VmFile;
        VmPolicy = src.VmPolicy;
        AnonVma = src.AnonVma;
    }

    /// <summary>vma_pages.</summary>
    public ulong Pages => (VmEnd - VmStart) >> MmStruct.PageShift;

    /// <summary>
    /// vm_write_begin: a no-op without SPF; with per-VMA locks, where the series changes a
    /// VMA the fault path reads, the VMA is marked write-locked (vma_start_write) instead.
    /// </summary>
    public void VmWriteBegin()
    {
        if (VmMm.Spf)
            VmSequence.WriteBegin(this);
        else if (VmMm.PerVmaLock)
            VmMm.VmaStartWrite(this);
        VmWriteTrace(EventType.VmaWriteBegin);
    }

    /// <summary>vm_write_end.</summary>
    public void VmWriteEnd()
    {
        if (VmMm.Spf)
            VmSequence.WriteEnd(this);
        VmWriteTrace(EventType.VmaWriteEnd);
    }

    /// <summary>vm_write_trace: the order trace sees the write section on every MMU config.</summary>
    public void VmWriteTrace(EventType type)
    {
        // The perf flavour records nothing: not even the sequence is read for it.
        if (ManagedFlavour.Checked)
            Kernel.Trace.Event(type, Id, VmSequence.Value);
    }
}
