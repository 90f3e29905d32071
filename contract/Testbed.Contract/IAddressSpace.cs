// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Contract;

/// <summary>
/// One address space (an mm) of one backend and config. Results follow the kernel
/// convention: a non-negative value, or a negated errno (see <see cref="Errno"/>).
/// Implementations are thread-safe: any number of threads may call any member
/// concurrently, as they would call into one process's mm.
/// </summary>
public interface IAddressSpace : IDisposable
{
    /// <summary>"native" or "managed".</summary>
    string Backend { get; }

    /// <summary>What this backend was built as.</summary>
    ConfigInfo Config { get; }

    /// <summary>Runs one operation (mmap, munmap, mprotect, mbind, fault, file_open, file_close, madvise).</summary>
    long Execute(in Operation op);

    /// <summary>Runs many operations; each result is written to <paramref name="results"/>.</summary>
    void ExecuteBatch(ReadOnlySpan<Operation> ops, Span<long> results);

    /// <summary>
    /// tb_fork: a new address space of the same backend and config with a copy of this one's
    /// file table and VMAs (dup_mmap: VM_DONTCOPY skipped, VM_WIPEONFORK empty, private
    /// anonymous pages shared copy-on-write). 0 and the child, which the caller destroys, or a
    /// negative errno and null. The fork's events are this address space's; the child's
    /// objects are counted with this one's (one account per fork family).
    /// </summary>
    long Fork(out IAddressSpace? child);

    /// <summary>get_vma: takes a reference on the first VMA ending above <paramref name="addr"/>.</summary>
    long GetVma(ulong addr, out ulong reference, out VmaInfo info);

    /// <summary>The current state of a VMA held by <see cref="GetVma"/>.</summary>
    long VmaRefInfo(ulong reference, out VmaInfo info);

    /// <summary>put_vma: drops a reference taken by <see cref="GetVma"/>.</summary>
    long PutVma(ulong reference);

    /// <summary>The VMAs in address order.</summary>
    IReadOnlyList<VmaInfo> Snapshot();

    Stats GetStats();

    /// <summary>validate_mm plus refcount and page-table invariants: the number of problems found.</summary>
    int Validate();

    IReadOnlyList<Violation> Violations();

    /// <summary>Starts or stops recording lifecycle events.</summary>
    void Trace(bool enable);

    /// <summary>
    /// tb_trace: which events are recorded; <see cref="TraceMode.Order"/> adds the order events
    /// (write sections, anon_vma links, lock acquisitions and releases) inside operations.
    /// </summary>
    void Trace(TraceMode mode);

    /// <summary>Returns and forgets the events recorded so far.</summary>
    IReadOnlyList<LifecycleEvent> DrainEvents();

    /// <summary>Makes the nth (1-based) later allocation from <paramref name="cache"/> fail; 0 disarms.</summary>
    long InjectAllocFailure(CacheKind cache, ulong nth);

    /// <summary>
    /// tb_mm_set_threads: <paramref name="threads"/> threads share the mm, each beyond the
    /// first holding an mm_users reference. The speculative path is tried only while the mm
    /// has another user than the faulting thread (the series' mm_users &gt; 1); a new mm has 1.
    /// </summary>
    long SetThreads(uint threads);

    /// <summary>
    /// Test-only (tb_debug_leak_file): one more reference on open file <paramref name="fd"/> that
    /// nothing drops, so the teardown finds it live and records a violation on purpose.
    /// </summary>
    long DebugLeakFile(int fd);

    /// <summary>
    /// Tears the mm down (tb_mm_destroy: exit_mmap, the held references, the files) and returns
    /// the violations the teardown recorded, which also go to the backend's global log. Later
    /// calls return an empty list; <see cref="IDisposable.Dispose"/> is Destroy without the result.
    /// </summary>
    IReadOnlyList<Violation> Destroy();
}
