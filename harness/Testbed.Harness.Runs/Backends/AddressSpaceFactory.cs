// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Managed;

namespace Testbed.Harness.Backends;

/// <summary>
/// Creates address spaces by backend ("native" | "managed") and config, and lists
/// which (backend, config) pairs this machine can run. Immutable; the managed
/// port's test-only switches travel in <see cref="ManagedOptions"/>.
/// </summary>
public sealed record AddressSpaceFactory
{
    /// <summary>The native backend's name.</summary>
    public const string Native = "native";

    /// <summary>The managed backend's name.</summary>
    public const string Managed = "managed";

    /// <summary>A factory with the managed port's default options.</summary>
    public static AddressSpaceFactory Default { get; } = new();

    /// <summary>Every config the factories offer: the registry's (native/configs.mk) but the test-only ones.</summary>
    public static IReadOnlyList<string> KnownConfigs => ConfigRegistry.Shipped;

    /// <summary>Both backend names.</summary>
    public static IReadOnlyList<string> Backends { get; } = [Native, Managed];

    /// <summary>Options for managed address spaces (test-only switches); null = defaults.</summary>
    public ManagedOptions? ManagedOptions { get; init; }

    /// <summary>With other managed options.</summary>
    public AddressSpaceFactory WithManagedOptions(ManagedOptions? options) => this with { ManagedOptions = options };

    /// <summary>The configs <paramref name="backend"/> can create here.</summary>
    public IReadOnlyList<string> AvailableConfigs(string backend) => backend switch
    {
        Native => NativeAddressSpace.AvailableConfigs(),
        Managed => KnownConfigs.Where(ManagedPortHas).ToArray(),
        _ => throw UnknownBackend(backend),
    };

    /// <summary>Every (backend, config) pair available here.</summary>
    public IReadOnlyList<(string Backend, string Config)> Available() =>
        Backends.SelectMany(b => AvailableConfigs(b).Select(c => (b, c))).ToArray();

    /// <summary>Whether <paramref name="backend"/> can create <paramref name="config"/> here.</summary>
    public bool IsAvailable(string backend, string config) => AvailableConfigs(backend).Contains(config);

    /// <summary>
    /// A fresh address space (a new mm) of <paramref name="backend"/> and <paramref name="config"/>,
    /// created with <paramref name="flags"/> (tb_mm_create's; MMU configs only).
    /// </summary>
    public IAddressSpace Create(string backend, string config, MmFlags flags = MmFlags.None) => backend switch
    {
        Native => new NativeAddressSpace(config, flags),
        Managed => new ManagedAddressSpace(config, ManagedOptions, flags),
        _ => throw UnknownBackend(backend),
    };

    /// <summary>The managed port rejects a config it does not implement in its constructor.</summary>
    private static bool ManagedPortHas(string config)
    {
        try
        {
            using var probe = new ManagedAddressSpace(config);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static ArgumentException UnknownBackend(string backend) =>
        new($"unknown backend '{backend}' (known: {string.Join(", ", Backends)})", nameof(backend));
}
