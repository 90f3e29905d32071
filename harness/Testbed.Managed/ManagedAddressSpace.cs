// SPDX-License-Identifier: GPL-2.0-only
// The managed counterpart of native/api (the tb_* entry points): argument checks and
// errnos, the per-mm file table and get_vma reference table, op_seq tagging of
// `current`, and the observation calls. The mm logic itself is in Mm/.
using System.Runtime.CompilerServices;
using Testbed.Contract;
using Testbed.Managed.Kernel;
using Testbed.Managed.Mm;
using KFile = Testbed.Managed.Kernel.File;

namespace Testbed.Managed;

/// <summary>
/// The managed port of the VMA model: one mm of config "mmu-spf", "mmu", "mmu-spf-rcu",
/// "mmu-pvl", "mmu-vmrefcnt", "nommu" or "nommu-orig", safe for any number of concurrent callers under the kernel's locking design.
/// </summary>
public sealed class ManagedAddressSpace : IAddressSpace
{
    private const int MaxFiles = 64;
    private const int MaxVmaRefs = 256;
    private const uint KnownMapFlags = (uint)(MapFlags.Shared | MapFlags.Private | MapFlags.Fixed | MapFlags.Anonymous);
    private const uint KnownMmuMapFlags = KnownMapFlags | (uint)MapFlags.Growsdown;
    private const uint KnownProt = (uint)(Prot.Read | Prot.Write | Prot.Exec);
    private const uint KnownFaultFlags = (uint)(FaultFlags.Write | FaultFlags.Exec | FaultFlags.NoSpeculative | FaultFlags.Kernel);
    private const uint MaxThreads = 4096;
    private const uint KnownFileFlags = (uint)(FileFlags.MapDirect | FileFlags.MapCopy);

    private readonly MmStruct mm;
    private readonly Lock filesLock = new();
    private readonly KFile?[] files = new KFile?[MaxFiles];
    private readonly Lock refsLock = new();
    private readonly VmAreaStruct?[] refs = new VmAreaStruct?[MaxVmaRefs];
    private readonly uint[] refGen = new uint[MaxVmaRefs];
    // Faults, get_vma and put_vma in flight, and begun (native/api's pins_inflight and
    // pins_started): Validate's counts are exact only while none runs.
    private int pinsInflight;
    private long pinsStarted;
    private readonly bool nommu;
    private readonly bool sharedFree;
    private readonly string configName;
    private volatile bool disposed;
    private IReadOnlyList<Violation>? teardownViolations;

    /// <summary>
    /// Creates an empty address space of <paramref name="config"/> (a config of
    /// <see cref="ConfigRegistry"/> that is not test-only). The test-only switches of <paramref name="options"/>
    /// and the creation <paramref name="flags"/> (tb_mm_create's) exist on the MMU configs only.
    /// </summary>
    public ManagedAddressSpace(string config, ManagedOptions? options = null, MmFlags flags = MmFlags.None)
    {
        // The port implements every config of the registry but the test-only ones.
        if (ConfigRegistry.Find(config) is not { TestOnly: false } descriptor)
            throw new ArgumentException(
                $"managed backend has no config '{config}' ({string.Join(", ", ConfigRegistry.Shipped)})", nameof(config));
        var (mmu, spf) = (descriptor.Mmu, descriptor.Spf);
        options ??= new ManagedOptions();
        if (!mmu && options.TestFlags != 0)
            throw new ArgumentException($"test-only switches are MMU-only (config '{config}')", nameof(options));
        const MmFlags valid = MmFlags.MmapMergeNextFirst | MmFlags.MprotectUnaccountUnfaulted;
        if ((!mmu && flags != MmFlags.None) || (flags & ~valid) != 0)
            throw new ArgumentException($"mm flags {flags} are not valid for config '{config}' (MMU configs: {valid})", nameof(flags));
        nommu = !mmu;
        sharedFree = descriptor.SharedFree;
        configName = config;
        mm = new MmStruct(spf, options, flags, descriptor.SpfRcu, descriptor.PerVmaLock, descriptor.VmaRefcnt,
            spfReuseVma: descriptor.SpfReuseVma);
        Config = new ConfigInfo(config, Mmu: mmu, Spf: spf, SharedFree: sharedFree, options.TestFlags,
            MmStruct.PageSize, MmStruct.TaskSize, MmStruct.MmapMinAddr, MmStruct.MmapBaseAddr, mm.Capabilities);
    }

    /// <summary>A fork's child: the parent's config, options and rules, an mm of the parent's family.</summary>
    private ManagedAddressSpace(ManagedAddressSpace parent)
    {
        nommu = parent.nommu;
        sharedFree = parent.sharedFree;
        configName = parent.configName;
        var p = parent.mm;
        Interlocked.Increment(ref p.Kmem.Users);
        Interlocked.Increment(ref p.Kmem.Joins);
        mm = new MmStruct(p.Spf, p.Options, p.Flags, p.SpfRcu, p.PerVmaLock, p.VmaRefcnt, p.Kmem, p.SpfReuseVma);
        Config = parent.Config;
    }

    /// <inheritdoc/>
    public string Backend => "managed";

    /// <summary>The mm itself (the specs read its locks and lines).</summary>
    internal MmStruct Mm => mm;

    /// <summary>
    /// Runs <paramref name="run"/> with this mm's faults counted by line class (the checked
    /// flavour's scheduling hook, which must be free: the hook is process-wide).
    /// </summary>
    internal LineCounts CountFaultLines(Action run)
    {
        if (!ManagedFlavour.Checked || SchedHook.Hook is not null)
            throw new InvalidOperationException("counting needs the checked flavour and a free scheduling hook");
        var counts = new LineCounts(mm);
        SchedHook.Hook = counts.OnPoint;
        try
        {
            run();
        }
        finally
        {
            SchedHook.Hook = null;
        }
        return counts;
    }

    /// <summary>
    /// The cache line a scheduling point of this mm names, classed as the counted costs class
    /// it (<see cref="LineCounts"/>): "mmap_sem", "mm_rb_lock", "page_table_lock" (the
    /// mm-wide three), "pte lock" (a split PTE lock), "vma" (a VMA's refcount and sequence),
    /// "vma lock" (the per-VMA-lock design's own lock), else "other"; a line of the mm_struct
    /// (<see cref="LineOf"/>) by its name ("mm_rb", "mm_rb_lock" or "mm_mt", "mmap_sem",
    /// "mmap_sem wait").
    /// </summary>
    public string LineName(object? obj) => obj switch
    {
        MmLine line => line.Name,
        _ when ReferenceEquals(obj, mm.MmapSem) => "mmap_sem",
        _ when ReferenceEquals(obj, mm.MmRbLock) => "mm_rb_lock",
        _ when ReferenceEquals(obj, mm.PageTableLock) => "page_table_lock",
        SpinLockT => "pte lock",
        VmAreaStruct => "vma",
        RwSemaphore => "vma lock",
        _ => "other",
    };

    /// <summary>
    /// The cache line the object of a scheduling point sits on in the kernel's layout: the
    /// mm_struct's line of mmap_sem, page_table_lock and mm_rb_lock (<see cref="MmLines"/>),
    /// else the object itself.
    /// </summary>
    public object LineOf(object obj) => mm.LineOf(obj);

    /// <inheritdoc/>
    public ConfigInfo Config { get; }

    /// <summary>Makes `current` point at this mm for one operation.</summary>
    private readonly struct OpScope : IDisposable
    {
        private readonly TaskStruct task;
        private readonly MmStruct? savedMm;
        private readonly OpKind savedOp;
        private readonly ulong savedSeq;

        public OpScope(MmStruct mm, OpKind op, ulong seq)
        {
            task = TaskStruct.Current;
            savedMm = task.Mm;
            savedOp = task.Op;
            savedSeq = task.OpSeq;
            task.Mm = mm;
            task.Op = op;
            task.OpSeq = seq;
        }

        public void Dispose()
        {
            task.Mm = savedMm;
            task.Op = savedOp;
            task.OpSeq = savedSeq;
        }
    }

    // As native/api's next_op_seq: the perf flavour numbers no operations (op_seq only tags
    // events and violations), which keeps one more mm-wide write off every operation.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private OpScope Enter(OpKind op) => new(mm, op, ManagedFlavour.Checked ? mm.NextOpSeq() : 0);

    /// <summary>The mm_users reference of one call while it runs (native/api's tb_api_enter pin).</summary>
    private readonly struct UserPin : IDisposable
    {
        private readonly MmStruct pinned;

        public UserPin(MmStruct mm)
        {
            pinned = mm;
            Interlocked.Increment(ref mm.MmUsers);
        }

        public void Dispose() => Interlocked.Decrement(ref pinned.MmUsers);
    }

    private UserPin Pin() => new(mm);

    /// <summary>
    /// A fault, get_vma or put_vma in flight (native/api's pin_begin/pin_end): in flight first,
    /// then begun, the reverse of <see cref="Validate"/>'s reads, so that a pin it does not see
    /// in flight has ended or moves the begun count. No scheduling points: the managed port's
    /// are the design's own (the simulation costs each), where native's testbed bookkeeping has
    /// its atomics' points. The perf flavour validates nothing concurrently and counts nothing.
    /// </summary>
    private readonly struct OpPin : IDisposable
    {
        private readonly ManagedAddressSpace? owner;

        public OpPin(ManagedAddressSpace space)
        {
            if (!ManagedFlavour.Checked)
                return;
            owner = space;
            Interlocked.Increment(ref space.pinsInflight);
            Interlocked.Increment(ref space.pinsStarted);
        }

        public void Dispose()
        {
            if (owner is not null)
                Interlocked.Decrement(ref owner.pinsInflight);
        }
    }

    /// <inheritdoc/>
    public long Execute(in Operation op)
    {
        if (disposed)
            return -Errno.EBADF;
        using var pin = Pin();
        return ExecutePinned(op);
    }

    /// <summary>One operation under the caller's mm_users pin (one per call, as tb_batch's).</summary>
    private long ExecutePinned(in Operation op)
    {
        using var scope = Enter(op.Kind is >= OpKind.Mmap and <= OpKind.FileClose or OpKind.Madvise ? op.Kind : OpKind.None);
        return op.Kind switch
        {
            OpKind.Mmap => Mmap(op.Addr, op.Len, (uint)op.Prot, op.Flags, op.Fd, op.PgOff),
            OpKind.Munmap => Munmap(op.Addr, op.Len),
            OpKind.Mprotect => Mprotect(op.Addr, op.Len, (uint)op.Prot),
            OpKind.Mbind => Mbind(op.Addr, op.Len, op.Flags),
            OpKind.Fault => PinnedFault(op.Addr, op.Flags),
            OpKind.FileOpen => FileOpen(op.Len, op.Flags),
            OpKind.FileClose => FileClose(op.Fd),
            OpKind.Madvise => Madvise(op.Addr, op.Len, op.Flags),
            _ => -Errno.EINVAL,
        };
    }

    /// <inheritdoc/>
    public void ExecuteBatch(ReadOnlySpan<Operation> ops, Span<long> results)
    {
        if (results.Length < ops.Length)
            throw new ArgumentException("results must hold one entry per operation", nameof(results));
        // tb_batch looks the handle up and pins the mm once for the whole batch.
        if (disposed)
        {
            results[..ops.Length].Fill(-Errno.EBADF);
            return;
        }
        using var pin = Pin();
        for (var i = 0; i < ops.Length; i++)
            results[i] = ExecutePinned(ops[i]);
    }

    private static ulong PageAlign(ulong len) => (len + MmStruct.PageSize - 1) & ~(MmStruct.PageSize - 1);

    private static bool Unaligned(ulong addr) => (addr & (MmStruct.PageSize - 1)) != 0;

    private long Mmap(ulong addr, ulong len, uint prot, uint flags, int fd, ulong pgoff)
    {
        if (nommu)
            return NommuMmap(len, prot, flags, fd, pgoff);
        if ((flags & ~KnownMmuMapFlags) != 0 || (prot & ~KnownProt) != 0 || len == 0)
            return -Errno.EINVAL;
        var type = (MapFlags)flags & (MapFlags.Shared | MapFlags.Private);
        if (type != MapFlags.Shared && type != MapFlags.Private)
            return -Errno.EINVAL;
        var mapFlags = (MapFlags)flags;
        if ((mapFlags & MapFlags.Fixed) != 0 && Unaligned(addr))
            return -Errno.EINVAL;
        if (len > MmStruct.TaskSize)
            return -Errno.ENOMEM;
        len = PageAlign(len);
        if (pgoff + (len >> MmStruct.PageShift) < pgoff)
            return -Errno.EOVERFLOW;

        if ((mapFlags & MapFlags.Anonymous) != 0)
            return MmapLocked(null, addr, len, (Prot)prot, mapFlags, pgoff);

        // fget: the file is pinned for the call and the pin dropped after mmap_sem.
        KFile? file;
        lock (filesLock)
        {
            if (fd < 0 || fd >= MaxFiles || files[fd] is null)
                return -Errno.EBADF;
            file = files[fd]!.Get();
        }
        var ret = MmapLocked(file, addr, len, (Prot)prot, mapFlags, pgoff);
        file.Put();
        return ret;
    }

    /// <summary>
    /// sys_mmap_pgoff for !MMU: only the unknown-bit checks come before the fd lookup;
    /// everything else is validate_mmap_request's, inside do_mmap.
    /// </summary>
    private long NommuMmap(ulong len, uint prot, uint flags, int fd, ulong pgoff)
    {
        if ((flags & ~KnownMapFlags) != 0 || (prot & ~KnownProt) != 0)
            return -Errno.EINVAL;
        KFile? file = null;
        if (((MapFlags)flags & MapFlags.Anonymous) == 0)
        {
            lock (filesLock)
            {
                if (fd < 0 || fd >= MaxFiles || files[fd] is null)
                    return -Errno.EBADF;
                file = files[fd]!.Get();
            }
        }
        mm.MmapWriteLock();
        var ret = Nommu.DoMmap(mm, file, len, (Prot)prot, (MapFlags)flags, pgoff, sharedFree);
        mm.MmapWriteUnlock();
        file?.Put();
        return ret;
    }

    private long MmapLocked(KFile? file, ulong addr, ulong len, Prot prot, MapFlags flags, ulong pgoff)
    {
        mm.MmapWriteLock();
        var ret = mm.DoMmap(file, addr, len, prot, flags, pgoff);
        mm.MmapWriteUnlock();
        return ret;
    }

    private long Munmap(ulong addr, ulong len)
    {
        if (Unaligned(addr) || len == 0)
            return -Errno.EINVAL;
        if (addr > MmStruct.TaskSize || len > MmStruct.TaskSize || PageAlign(len) > MmStruct.TaskSize - addr)
            return -Errno.EINVAL;
        mm.MmapWriteLock();
        var ret = nommu ? Nommu.DoMunmap(mm, addr, len, sharedFree) : mm.DoMunmap(addr, PageAlign(len));
        mm.MmapWriteUnlock();
        return ret;
    }

    private long Mprotect(ulong addr, ulong len, uint prot)
    {
        // mprotect.o is CONFIG_MMU only: sys_ni_syscall whatever the arguments.
        if (nommu)
            return -Errno.ENOSYS;
        if (Unaligned(addr) || (prot & ~KnownProt) != 0 || len == 0)
            return -Errno.EINVAL;
        if (len > MmStruct.TaskSize || addr > MmStruct.TaskSize || PageAlign(len) > MmStruct.TaskSize - addr)
            return -Errno.ENOMEM;
        mm.MmapWriteLock();
        var ret = mm.DoMprotect(addr, addr + PageAlign(len), (Prot)prot);
        mm.MmapWriteUnlock();
        return ret;
    }

    private long Mbind(ulong addr, ulong len, uint mode)
    {
        if (mode > (uint)MpolMode.Interleave)
            return -Errno.EINVAL;
        // No NUMA on !MMU: sys_ni_syscall after the API's mode check.
        if (nommu)
            return -Errno.ENOSYS;
        if (Unaligned(addr) || len == 0)
            return -Errno.EINVAL;
        if (len > MmStruct.TaskSize || addr > MmStruct.TaskSize || PageAlign(len) > MmStruct.TaskSize - addr)
            return -Errno.EINVAL;
        return mm.DoMbind(addr, addr + PageAlign(len), (MpolMode)mode);
    }

    private long PinnedFault(ulong addr, uint flags)
    {
        using var pin = new OpPin(this);
        return Fault(addr, flags);
    }

    private long Fault(ulong addr, uint flags)
    {
        if ((flags & ~KnownFaultFlags) != 0)
            return -Errno.EINVAL;
        // No page faults without an MMU: nothing is counted.
        if (nommu)
            return -Errno.EOPNOTSUPP;
        if (addr >= MmStruct.TaskSize)
        {
            var c = mm.Counters;
            c.Faults++;
            c.Segv++;
            return -Errno.EFAULT;
        }
        return mm.HandleFault(addr, (FaultFlags)flags);
    }

    private long Madvise(ulong addr, ulong len, uint advice)
    {
        // No fork behaviours without an MMU: sys_ni_syscall whatever the arguments.
        if (nommu)
            return -Errno.ENOSYS;
        if (advice is not ((uint)MadviseAdvice.Dontfork or (uint)MadviseAdvice.Dofork or
            (uint)MadviseAdvice.Wipeonfork or (uint)MadviseAdvice.Keeponfork))
            return -Errno.EINVAL;
        if (Unaligned(addr) || len == 0 || len > MmStruct.TaskSize)
            return -Errno.EINVAL;
        var end = addr + PageAlign(len);
        if (end < addr || end > MmStruct.TaskSize)
            return -Errno.EINVAL;
        return mm.DoMadvise(addr, end, (MadviseAdvice)advice);
    }

    /// <inheritdoc/>
    public long Fork(out IAddressSpace? child)
    {
        child = null;
        if (disposed)
            return -Errno.EBADF;
        using var pin = Pin();
        using var scope = Enter(OpKind.Fork);
        // 4.16's nommu has no dup_mmap (vfork-style clones share the mm).
        if (nommu)
            return -Errno.ENOSYS;
        var forked = new ManagedAddressSpace(this);
        // dup_fd: the child's table holds its own reference to every open file.
        lock (filesLock)
        {
            for (var fd = 0; fd < MaxFiles; fd++)
                forked.files[fd] = files[fd]?.Get();
        }
        var ret = mm.DupMmap(forked.mm);
        if (ret < 0)
        {
            forked.Destroy();
            return ret;
        }
        child = forked;
        return 0;
    }

    private long FileOpen(ulong size, uint flags)
    {
        if ((flags & ~KnownFileFlags) != 0 || size == 0 || Unaligned(size))
            return -Errno.EINVAL;
        lock (filesLock)
        {
            var fd = Array.IndexOf(files, null);
            if (fd < 0)
                return -Errno.EMFILE;
            var file = KFile.Alloc(mm.Kmem, size, (FileFlags)flags);
            if (file is null)
                return -Errno.ENOMEM;
            files[fd] = file;
            return fd;
        }
    }

    private long FileClose(int fd)
    {
        lock (filesLock)
        {
            if (fd < 0 || fd >= MaxFiles || files[fd] is not { } file)
                return -Errno.EBADF;
            files[fd] = null;
            file.Put();
            return 0;
        }
    }

    private VmaInfo Describe(VmAreaStruct vma) => new(
        vma.Id,
        vma.VmStart,
        vma.VmEnd,
        vma.VmPgoff,
        vma.VmFlags,
        vma.VmFile?.Id ?? 0,
        vma.VmRegion?.Id ?? 0,
        vma.VmPolicy?.Mode ?? MpolMode.Default,
        mm.VmaRefs ? vma.VmRefCount.Read() : 0,
        vma.VmRb.IsEmpty ? 0 : mm.PopulatedIn(vma.VmStart, vma.VmEnd),
        vma.AnonVma is not null,
        !vma.VmRb.IsEmpty,
        mm.Spf ? (uint)vma.VmSequence.Value : 0,
        nommu || vma.VmRb.IsEmpty ? 0 : mm.CowIn(vma.VmStart, vma.VmEnd),
        vma.AnonVma?.ChainLength ?? 0);

    /// <inheritdoc/>
    public long GetVma(ulong addr, out ulong reference, out VmaInfo info)
    {
        reference = 0;
        info = default;
        if (disposed)
            return -Errno.EBADF;
        using var pin = Pin();
        using var scope = Enter(OpKind.GetVma);
        using var opPin = new OpPin(this);
        if (!mm.VmaRefs)
            return -Errno.EOPNOTSUPP;
        var vma = mm.GetVma(addr);
        if (vma is null)
            return -Errno.ENOENT;
        lock (refsLock)
        {
            var slot = Array.IndexOf(refs, null);
            if (slot >= 0)
            {
                refs[slot] = vma;
                refGen[slot]++;
                reference = ((ulong)refGen[slot] << 16) | (uint)(slot + 1);
            }
        }
        if (reference == 0)
        {
            mm.PutVma(vma);
            return -Errno.ENOSPC;
        }
        mm.MmapSem.DownRead();
        info = Describe(vma);
        mm.MmapSem.UpRead();
        return 0;
    }

    private VmAreaStruct? Lookup(ulong reference, bool remove)
    {
        var slot = (long)(reference & 0xffff) - 1;
        var gen = reference >> 16;
        lock (refsLock)
        {
            if (slot < 0 || slot >= MaxVmaRefs || refs[slot] is not { } vma || refGen[slot] != gen)
                return null;
            if (remove)
                refs[slot] = null;
            return vma;
        }
    }

    /// <inheritdoc/>
    public long VmaRefInfo(ulong reference, out VmaInfo info)
    {
        info = default;
        if (disposed)
            return -Errno.EBADF;
        using var pin = Pin();
        if (!mm.VmaRefs)
            return -Errno.EOPNOTSUPP;
        var vma = Lookup(reference, remove: false);
        if (vma is null)
            return -Errno.EBADF;
        using var scope = new OpScope(mm, OpKind.None, mm.CurrentOpSeq);
        vma.CheckLive();
        mm.MmapSem.DownRead();
        info = Describe(vma);
        mm.MmapSem.UpRead();
        return 0;
    }

    /// <inheritdoc/>
    public long PutVma(ulong reference)
    {
        if (disposed)
            return -Errno.EBADF;
        using var pin = Pin();
        using var scope = Enter(OpKind.PutVma);
        using var opPin = new OpPin(this);
        if (!mm.VmaRefs)
            return -Errno.EOPNOTSUPP;
        var vma = Lookup(reference, remove: true);
        if (vma is null)
            return -Errno.EBADF;
        mm.PutVma(vma);
        return 0;
    }

    /// <inheritdoc/>
    public IReadOnlyList<VmaInfo> Snapshot()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var pin = Pin();
        var list = new List<VmaInfo>();
        mm.MmapSem.DownRead();
        for (var vma = mm.Mmap; vma is not null; vma = vma.VmNext)
            list.Add(Describe(vma));
        mm.MmapSem.UpRead();
        return list;
    }

    /// <inheritdoc/>
    public Stats GetStats()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var pin = Pin();
        var c = mm.SumCounters();
        var k = mm.Kmem;
        return new Stats
        {
            LiveVmas = k.Live(CacheKind.Vma),
            LiveFiles = k.Live(CacheKind.File),
            LiveMempolicies = k.Live(CacheKind.Mempolicy),
            LiveAnonVmas = k.Live(CacheKind.AnonVma),
            LiveRegions = k.Live(CacheKind.Region),
            MapCount = (ulong)Volatile.Read(ref mm.MapCount),
            PopulatedPages = mm.PopulatedPages(),
            Allocations = k.Allocations,
            InjectedFailures = k.InjectedFailures,
            Faults = (ulong)Volatile.Read(ref c.Faults),
            SpfAttempts = (ulong)Volatile.Read(ref c.SpfAttempts),
            SpfSuccess = (ulong)Volatile.Read(ref c.SpfSuccess),
            SpfAbortNoVma = (ulong)Volatile.Read(ref c.SpfAborts[(int)SpfAbort.NoVma]),
            SpfAbortSeqOdd = (ulong)Volatile.Read(ref c.SpfAborts[(int)SpfAbort.SeqOdd]),
            SpfAbortSeqChanged = (ulong)Volatile.Read(ref c.SpfAborts[(int)SpfAbort.SeqChanged]),
            SpfAbortDetached = (ulong)Volatile.Read(ref c.SpfAborts[(int)SpfAbort.Detached]),
            SpfAbortAccess = (ulong)Volatile.Read(ref c.SpfAborts[(int)SpfAbort.Access]),
            SpfAbortNotAnon = (ulong)Volatile.Read(ref c.SpfAborts[(int)SpfAbort.NotAnon]),
            SpfAbortNoAnonVma = (ulong)Volatile.Read(ref c.SpfAborts[(int)SpfAbort.NoAnonVma]),
            SpfAbortMpol = (ulong)Volatile.Read(ref c.SpfAborts[(int)SpfAbort.Mpol]),
            SpfAbortPtlBusy = (ulong)Volatile.Read(ref c.SpfAborts[(int)SpfAbort.PtlBusy]),
            ClassicFaults = (ulong)Volatile.Read(ref c.ClassicFaults),
            Fallbacks = (ulong)Volatile.Read(ref c.Fallbacks),
            SpfVmaReused = (ulong)Volatile.Read(ref c.SpfVmaReused),
            Segv = (ulong)Volatile.Read(ref c.Segv),
            Violations = (ulong)mm.ViolationCount,
            EventsLost = mm.EventsLost,
        };
    }

    /// <inheritdoc/>
    public int Validate()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var pin = Pin();
        using var scope = new OpScope(mm, OpKind.None, mm.CurrentOpSeq);
        // Quiet: no pin in flight, and none begun while we looked (begun first, then in
        // flight: the reverse of OpPin's order; Volatile.Read keeps the reads in order).
        var started = Volatile.Read(ref pinsStarted);
        var joins = Volatile.Read(ref mm.Kmem.Joins);
        var quiet = Volatile.Read(ref pinsInflight) == 0;
        var alone = Volatile.Read(ref mm.Kmem.Users) == 1;
        mm.MmapSem.DownRead();
        int bugs;
        if (nommu)
        {
            bugs = Nommu.ValidateMm(mm);
        }
        else
        {
            // Under refsLock, as native refs_check: a put clears its slot under it before it
            // frees the VMA.
            var detached = new HashSet<VmAreaStruct>(ReferenceEqualityComparer.Instance);
            ulong live;
            lock (refsLock)
            {
                live = mm.Kmem.Live(CacheKind.Vma);
                foreach (var vma in refs)
                {
                    if (vma is not null && vma.VmRb.IsEmpty)
                        detached.Add(vma);
                }
            }
            bugs = mm.ValidateMm();
            quiet = quiet && Volatile.Read(ref pinsInflight) == 0;
            quiet = quiet && Volatile.Read(ref pinsStarted) == started;
            // Alone for the whole look, as native tb_refs_validate: a child forked and torn
            // down meanwhile had its VMAs counted live; it moved Joins.
            alone = alone && Volatile.Read(ref mm.Kmem.Users) == 1 && Volatile.Read(ref mm.Kmem.Joins) == joins;
            bugs += mm.ValidateLiveVmas(live, detached.Count, quiet && alone);
        }
        mm.MmapSem.UpRead();
        return bugs;
    }

    /// <inheritdoc/>
    public IReadOnlyList<Violation> Violations() => mm.Violations();

    /// <inheritdoc/>
    public void Trace(bool enable) => Trace(enable ? TraceMode.Lifecycle : TraceMode.Off);

    /// <inheritdoc/>
    public void Trace(TraceMode mode)
    {
        if (mode > TraceMode.Order)
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "not a tb_trace mode");
        // As the native perf flavour's tb_trace: no event log to switch on.
        if (mode != TraceMode.Off && !ManagedFlavour.Checked)
            throw new NotSupportedException($"the managed port's {ManagedFlavour.Perf} flavour records no lifecycle events");
        mm.Tracing = mode;
    }

    /// <inheritdoc/>
    public IReadOnlyList<LifecycleEvent> DrainEvents() => mm.DrainEvents();

    /// <inheritdoc/>
    public long InjectAllocFailure(CacheKind cache, ulong nth)
    {
        if (disposed)
            return -Errno.EBADF;
        if (cache > CacheKind.Region)
            return -Errno.EINVAL;
        mm.Kmem.Inject(cache, nth);
        return 0;
    }

    /// <inheritdoc/>
    public long SetThreads(uint threads)
    {
        if (disposed)
            return -Errno.EBADF;
        if (threads < 1 || threads > MaxThreads)
            return -Errno.EINVAL;
        using var pin = Pin();
        lock (filesLock)
        {
            // clone(CLONE_VM) takes an mm_users reference, a thread's exit drops one.
            Interlocked.Add(ref mm.MmUsers, (int)threads - mm.NrThreads);
            mm.NrThreads = (int)threads;
        }
        return 0;
    }

    /// <inheritdoc/>
    public long DebugLeakFile(int fd)
    {
        if (disposed)
            return -Errno.EBADF;
        using var pin = Pin();
        lock (filesLock)
        {
            if (fd < 0 || fd >= MaxFiles || files[fd] is not { } file)
                return -Errno.EBADF;
            file.Get();
            return 0;
        }
    }

    /// <summary>
    /// tb_mm_destroy: the threads go (exit_group), then at mm_users 0 the teardown:
    /// exit_mmap, the held get_vma references in slot order, the open files in fd order, the
    /// leak check. Returns the violations the teardown recorded, which also go to the global log.
    /// </summary>
    public IReadOnlyList<Violation> Destroy()
    {
        if (disposed)
            return teardownViolations ?? [];
        disposed = true;
        lock (filesLock)
        {
            Interlocked.Add(ref mm.MmUsers, -mm.NrThreads);
            mm.NrThreads = 0;
        }
        var before = mm.ViolationCount;
        Teardown();
        var recorded = mm.Violations().Skip(before).ToArray();
        foreach (var v in recorded)
            Bug.RecordGlobal(v);
        teardownViolations = recorded;
        return recorded;
    }

    /// <summary>Destroy, without the teardown's violations (they are in the global log).</summary>
    public void Dispose() => Destroy();

    private void Teardown()
    {
        using var scope = new OpScope(mm, OpKind.Exit, mm.NextOpSeq());
        // The VMAs earlier write sections handed to call_rcu (native exit_mmap's barrier).
        if (mm.RcuFree)
            mm.VmaRcuBarrier();
        mm.MmapSem.DownWrite();
        if (nommu)
            Nommu.ExitMmap(mm, sharedFree);
        else
            mm.ExitMmap();
        mm.MmapSem.UpWrite();
        lock (refsLock)
        {
            for (var i = 0; i < MaxVmaRefs; i++)
            {
                if (refs[i] is { } vma)
                {
                    refs[i] = null;
                    mm.PutVma(vma);
                }
            }
        }
        lock (filesLock)
        {
            for (var fd = 0; fd < MaxFiles; fd++)
            {
                if (files[fd] is { } file)
                {
                    files[fd] = null;
                    file.Put();
                }
            }
        }
        // The leak check is the fork family's last mm's: the others share the account.
        var lastOfFamily = Interlocked.Decrement(ref mm.Kmem.Users) == 0;
        for (var cache = CacheKind.Vma; lastOfFamily && cache <= CacheKind.Region; cache++)
        {
            var live = mm.Kmem.Live(cache);
            Bug.Warn(live != 0, $"mm exit: {live} objects of cache {(int)cache} leaked");
        }
    }
}
