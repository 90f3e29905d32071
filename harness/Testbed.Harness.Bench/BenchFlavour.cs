// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Interop;
using Testbed.Managed;
using Testbed.Managed.Kernel;

namespace Testbed.Harness.Bench;

/// <summary>
/// The build flavour of the code an address space runs, asked of what runs it: the native
/// library's tb_config_info.flavour, or the managed port's process-wide flavour.
/// </summary>
public static class BenchFlavour
{
    /// <summary>"perf" or "checked".</summary>
    public static string Of(IAddressSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        return space switch
        {
            NativeAddressSpace native => TestbedConfigs.Dispatch(native.Config.Name, native.Flavour, new Probe()),
            ManagedAddressSpace => ManagedFlavour.Name,
            _ => throw new ArgumentException($"no flavour known for a {space.GetType().Name}", nameof(space)),
        };
    }

    private sealed class Probe : ITestbedApiVisitor<string>
    {
        public string Visit<TApi>() where TApi : struct, ITestbedApi =>
            (Flavour)NativeConfigs.GetConfig<TApi>().Flavour == Flavour.Perf ? ManagedFlavour.Perf : ManagedFlavour.CheckedName;
    }
}
