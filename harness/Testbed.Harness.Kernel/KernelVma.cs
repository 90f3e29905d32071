// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Kernel;

/// <summary>
/// A VMA of the window in the form both sides are compared in: /proc/self/maps fields.
/// <see cref="Perms"/> is the maps string ("rw-p", "r--s"); <see cref="Offset"/> the file offset
/// in bytes (0 for anonymous memory, as maps shows it); <see cref="Backing"/> is "anon",
/// "file:SLOT" or "shm#N" (shared anonymous memory, N numbering distinct shmem files in address
/// order, so both sides name the same partition the same way). <see cref="Policy"/> is the memory
/// policy as /proc/pid/numa_maps prints it ("default", "prefer:0", "bind:0", "interleave:0").
/// </summary>
public sealed record KernelVma(ulong Start, ulong End, string Perms, ulong Offset, string Backing, string Policy = KernelVma.DefaultPolicy)
{
    /// <summary>numa_maps' word for no policy (the task's default).</summary>
    public const string DefaultPolicy = "default";

    /// <summary>The numa_maps form of a model policy mode (node 0 for every mode with nodes).</summary>
    public static string PolicyOf(Contract.MpolMode mode) => mode switch
    {
        Contract.MpolMode.Default => DefaultPolicy,
        Contract.MpolMode.Preferred => "prefer:0",
        Contract.MpolMode.Bind => "bind:0",
        Contract.MpolMode.Interleave => "interleave:0",
        _ => $"mode{(uint)mode}",
    };

    /// <summary>True for file-backed VMAs (our files and shared anonymous memory).</summary>
    public bool HasFile => Backing != "anon";

    /// <inheritdoc />
    public override string ToString() => $"{Start:x}-{End:x} {Perms} {Offset:x8} {Backing} {Policy}";
}
