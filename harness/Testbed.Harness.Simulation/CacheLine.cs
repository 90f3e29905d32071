// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// Where one cache line is, MESI-like: one virtual CPU holds it exclusive (<see cref="Owner"/>),
/// or several share it (<see cref="Sharers"/>), or none has it yet. A write takes it exclusive,
/// a read shares it. <see cref="FreeAt"/> is when its last transfer ends: a line moves to one
/// CPU at a time, so the next transfer starts no earlier.
/// </summary>
internal sealed class CacheLine
{
    /// <summary>The CPU that holds the line exclusive, or -1.</summary>
    public int Owner { get; set; } = -1;

    /// <summary>The CPUs that share the line (when no CPU owns it).</summary>
    public List<int> Sharers { get; } = [];

    /// <summary>Virtual ns at which the line's last transfer ends.</summary>
    public double FreeAt { get; set; }

    /// <summary>Transfers of this line.</summary>
    public long Transfers { get; set; }

    /// <summary>Acquisitions of the lock this line holds that found it taken and had to wait (each once).</summary>
    public long Blocked { get; set; }

    /// <summary>Whether <paramref name="cpu"/> has the line in its cache.</summary>
    public bool Holds(int cpu) => Owner == cpu || Sharers.Contains(cpu);
}
