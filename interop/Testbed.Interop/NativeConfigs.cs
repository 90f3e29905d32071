// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Interop;

/// <summary>Which config libraries are present, and what each says about itself.</summary>
public static unsafe class NativeConfigs
{
    /// <summary>The configs whose libtestbed-&lt;config&gt;.so exists in <see cref="NativeLibraryResolver.Directory"/>.</summary>
    public static IReadOnlyList<string> Available()
    {
        var present = new List<string>(TestbedConfigs.All.Count);
        foreach (var config in TestbedConfigs.All)
        {
            if (File.Exists(NativeLibraryResolver.PathOf(config)))
                present.Add(config);
        }
        return present;
    }

    /// <summary>
    /// The configs whose library exists in <paramref name="flavour"/>'s folder (null: the default
    /// one); a flavour has bindings only for <see cref="TestbedConfigs.FlavourConfigs"/>.
    /// </summary>
    public static IReadOnlyList<string> Available(string? flavour) =>
        (flavour is null ? TestbedConfigs.All : TestbedConfigs.FlavourConfigs)
            .Where(c => File.Exists(NativeLibraryResolver.PathOf(c, NativeLibraryResolver.DirectoryOf(flavour)))).ToArray();

    /// <summary>Whether the library of <paramref name="config"/> exists.</summary>
    public static bool IsAvailable(string config) => File.Exists(NativeLibraryResolver.PathOf(config));

    /// <summary>
    /// tb_counts of <typeparamref name="TApi"/>'s library: the counted line writes and waits of the
    /// operations of kind <paramref name="op"/>, summed over every thread since the last reset.
    /// Throws (EOPNOTSUPP) for a perf-flavour library, which counts nothing.
    /// </summary>
    public static TbOpCounts Counts<TApi>(OpKind op) where TApi : struct, ITestbedApi
    {
        TbOpCounts counts;
        var result = TApi.Counts((uint)op, &counts);
        if (result < 0)
            throw TestbedErrnoException.FromResult(result, $"tb_counts({op}, &out)");
        return counts;
    }

    /// <summary>tb_counts_reset of <typeparamref name="TApi"/>'s library.</summary>
    public static void ResetCounts<TApi>() where TApi : struct, ITestbedApi
    {
        var result = TApi.CountsReset();
        if (result < 0)
            throw TestbedErrnoException.FromResult(result, "tb_counts_reset()");
    }

    /// <summary>tb_get_config of <typeparamref name="TApi"/>'s library.</summary>
    public static TbConfigInfo GetConfig<TApi>() where TApi : struct, ITestbedApi
    {
        TbConfigInfo info;
        var result = TApi.GetConfig(&info);
        if (result < 0)
            throw TestbedErrnoException.FromResult(result, "tb_get_config(&info)");
        return info;
    }

    /// <summary>tb_abi_layout of <typeparamref name="TApi"/>'s library: every struct and field the library knows.</summary>
    public static TbAbiField[] AbiLayout<TApi>() where TApi : struct, ITestbedApi
    {
        var capacity = 128;
        while (true)
        {
            var buffer = new TbAbiField[capacity];
            int result;
            fixed (TbAbiField* p = buffer)
                result = TApi.AbiLayout(p, capacity);
            if (result == -Errno.ENOBUFS || result >= capacity)
            {
                capacity = Math.Max(capacity * 2, result + 1);
                continue;
            }
            if (result < 0)
                throw TestbedErrnoException.FromResult(result, $"tb_abi_layout(buf, {capacity})");
            return buffer.AsSpan(0, result).ToArray();
        }
    }
}
