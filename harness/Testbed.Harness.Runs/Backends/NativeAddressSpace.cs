// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Interop;

namespace Testbed.Harness.Backends;

/// <summary>
/// The native backend: one tb_mm of one config library (libtestbed-&lt;config&gt;.so), reached
/// through the generated P/Invoke bindings. Results are the raw kernel-style values; nothing
/// throws on an errno. Several configs may be open in one process at once.
/// </summary>
public sealed class NativeAddressSpace : IAddressSpace
{
    private readonly IAddressSpace _core;

    /// <summary>
    /// Creates an mm in the library of <paramref name="config"/> (a name of <see cref="ConfigRegistry"/>)
    /// with tb_mm_create's <paramref name="flags"/> (MMU configs only).
    /// </summary>
    public NativeAddressSpace(string config, MmFlags flags = MmFlags.None)
        : this(config, null, flags)
    {
    }

    /// <summary>
    /// Creates an mm in the library of <paramref name="config"/> in build flavour
    /// <paramref name="flavour"/> ("perf": build/native/perf, checking compiled out; null: the
    /// default, checked libraries) with tb_mm_create's <paramref name="flags"/>. Both flavours of
    /// a config may be open in one process.
    /// </summary>
    public NativeAddressSpace(string config, string? flavour, MmFlags flags = MmFlags.None)
    {
        ArgumentNullException.ThrowIfNull(config);
        _core = TestbedConfigs.Dispatch(config, flavour, new NativeAddressSpaceFactory(flags));
        Flavour = flavour;
    }

    /// <summary>The build flavour this mm's library is (null: the default, checked one).</summary>
    public string? Flavour { get; }

    /// <summary>The configs whose native library is present next to the interop assembly (or in $TESTBED_NATIVE_DIR).</summary>
    public static IReadOnlyList<string> AvailableConfigs() => NativeConfigs.Available();

    /// <inheritdoc/>
    public string Backend => _core.Backend;

    /// <inheritdoc/>
    public ConfigInfo Config => _core.Config;

    /// <inheritdoc/>
    public long Execute(in Operation op) => _core.Execute(op);

    /// <inheritdoc/>
    public void ExecuteBatch(ReadOnlySpan<Operation> ops, Span<long> results) => _core.ExecuteBatch(ops, results);

    /// <inheritdoc/>
    public long GetVma(ulong addr, out ulong reference, out VmaInfo info) => _core.GetVma(addr, out reference, out info);

    /// <inheritdoc/>
    public long VmaRefInfo(ulong reference, out VmaInfo info) => _core.VmaRefInfo(reference, out info);

    /// <inheritdoc/>
    public long PutVma(ulong reference) => _core.PutVma(reference);

    /// <inheritdoc/>
    public long Fork(out IAddressSpace? child) => _core.Fork(out child);

    /// <inheritdoc/>
    public IReadOnlyList<VmaInfo> Snapshot() => _core.Snapshot();

    /// <inheritdoc/>
    public Stats GetStats() => _core.GetStats();

    /// <inheritdoc/>
    public int Validate() => _core.Validate();

    /// <inheritdoc/>
    public IReadOnlyList<Violation> Violations() => _core.Violations();

    /// <inheritdoc/>
    public void Trace(bool enable) => _core.Trace(enable);

    /// <inheritdoc/>
    public void Trace(TraceMode mode) => _core.Trace(mode);

    /// <inheritdoc/>
    public IReadOnlyList<LifecycleEvent> DrainEvents() => _core.DrainEvents();

    /// <inheritdoc/>
    public long InjectAllocFailure(CacheKind cache, ulong nth) => _core.InjectAllocFailure(cache, nth);

    /// <inheritdoc/>
    /// <inheritdoc/>
    public long SetThreads(uint threads) => _core.SetThreads(threads);

    /// <inheritdoc/>
    public long DebugLeakFile(int fd) => _core.DebugLeakFile(fd);

    /// <inheritdoc/>
    public IReadOnlyList<Violation> Destroy() => _core.Destroy();

    public void Dispose() => _core.Dispose();

    private sealed class NativeAddressSpaceFactory(MmFlags flags) : ITestbedApiVisitor<IAddressSpace>
    {
        public IAddressSpace Visit<TApi>() where TApi : struct, ITestbedApi => new NativeAddressSpaceCore<TApi>(flags);
    }
}
