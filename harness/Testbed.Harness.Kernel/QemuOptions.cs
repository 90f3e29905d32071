// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Kernel;

/// <summary>
/// How to boot the guest: which kernel (null = Debian's newest /boot/vmlinuz-*), TCG or KVM
/// (KVM guests hang on our machines, so TCG is the default), a wall-clock limit for the whole
/// boot, guest memory and CPUs (the race step wants two). Immutable; use the <c>With...</c> methods.
/// </summary>
public sealed record QemuOptions
{
    /// <summary>A bzImage to boot; null picks the default Debian kernel.</summary>
    public string? KernelPath { get; init; }

    /// <summary>Use -accel kvm instead of TCG.</summary>
    public bool Kvm { get; init; }

    /// <summary>The guest is killed after this long (boot, run and power-off together).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Guest memory in MiB.</summary>
    public int MemoryMiB { get; init; } = 256;

    /// <summary>Guest CPUs.</summary>
    public int Cpus { get; init; } = 2;

    /// <summary>Returns a copy that boots <paramref name="path"/> (null: the default kernel).</summary>
    public QemuOptions WithKernel(string? path) => this with { KernelPath = path };

    /// <summary>Returns a copy with KVM on or off.</summary>
    public QemuOptions WithKvm(bool kvm) => this with { Kvm = kvm };

    /// <summary>Returns a copy with another time limit.</summary>
    public QemuOptions WithTimeout(TimeSpan timeout) => this with { Timeout = timeout };

    /// <summary>Returns a copy with another amount of guest memory.</summary>
    public QemuOptions WithMemory(int mib) => this with { MemoryMiB = mib };

    /// <summary>Returns a copy with another CPU count.</summary>
    public QemuOptions WithCpus(int cpus) => this with { Cpus = cpus };
}
