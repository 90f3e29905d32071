// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Managed;

namespace Testbed.Tests.Kernel;

/// <summary>The model the kernel tests compare with: the managed port, config "mmu-spf".</summary>
internal static class ModelBackend
{
    /// <summary>A factory of fresh managed address spaces; <paramref name="ignoreAnonVmaInMerge"/> turns on the test-only wrong merge rule.</summary>
    public static Func<string, MmFlags, IAddressSpace> Managed(bool ignoreAnonVmaInMerge = false)
    {
        var options = new ManagedOptions { TestOnlyIgnoreAnonVmaInMerge = ignoreAnonVmaInMerge };
        return (config, flags) => new ManagedAddressSpace(config, options, flags);
    }
}
