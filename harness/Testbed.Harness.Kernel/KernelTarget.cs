// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Kernel;

/// <summary>Where the guest program runs.</summary>
public enum KernelTarget
{
    /// <summary>In a kernel booted under qemu-system-x86_64 (Debian's, or the one given).</summary>
    Qemu,

    /// <summary>Directly on the host's kernel: fast, no boot, whatever kernel the host runs.</summary>
    Host,
}
