// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// A machine's sockets, cores and hardware threads, and how the OS numbers them: CPUs =
/// sockets × cores per socket × threads per core. <see cref="Source"/> says where the shape
/// came from.
/// </summary>
public sealed record Topology(int Sockets, int CoresPerSocket, int ThreadsPerCore, CpuNumbering Numbering, string Source)
{
    /// <summary>Sockets (at least 1).</summary>
    public int Sockets { get; } = Sockets > 0 ? Sockets : throw new ArgumentOutOfRangeException(nameof(Sockets), Sockets, "a machine has at least one socket");

    /// <summary>Cores of one socket (at least 1).</summary>
    public int CoresPerSocket { get; } = CoresPerSocket > 0 ? CoresPerSocket : throw new ArgumentOutOfRangeException(nameof(CoresPerSocket), CoresPerSocket, "a socket has at least one core");

    /// <summary>Hardware threads of one core (SMT siblings; 1 without SMT).</summary>
    public int ThreadsPerCore { get; } = ThreadsPerCore > 0 ? ThreadsPerCore : throw new ArgumentOutOfRangeException(nameof(ThreadsPerCore), ThreadsPerCore, "a core has at least one hardware thread");

    /// <summary>Cores, all sockets.</summary>
    public int Cores => Sockets * CoresPerSocket;

    /// <summary>CPUs (hardware threads), all sockets.</summary>
    public int Cpus => Cores * ThreadsPerCore;

    /// <summary>
    /// One hardware thread per core, <paramref name="cpus"/> split evenly over <paramref name="sockets"/>
    /// (CPUs numbered socket by socket).
    /// </summary>
    public static Topology OneThreadPerCore(int cpus, int sockets, string source)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sockets, 1);
        if (cpus < sockets || cpus % sockets != 0)
            throw new ArgumentOutOfRangeException(nameof(cpus), cpus, $"{cpus} CPUs do not split evenly over {sockets} sockets");
        return new Topology(sockets, cpus / sockets, 1, CpuNumbering.CoresFirst, source);
    }

    /// <summary>The core (0 .. <see cref="Cores"/> - 1, socket by socket) that CPU <paramref name="cpu"/> is a thread of.</summary>
    public int CoreOf(int cpu)
    {
        Check(cpu);
        return Numbering == CpuNumbering.CoresFirst ? cpu % Cores : cpu / ThreadsPerCore;
    }

    /// <summary>Which of its core's hardware threads CPU <paramref name="cpu"/> is (0 .. <see cref="ThreadsPerCore"/> - 1).</summary>
    public int ThreadOf(int cpu)
    {
        Check(cpu);
        return Numbering == CpuNumbering.CoresFirst ? cpu / Cores : cpu % ThreadsPerCore;
    }

    /// <summary>The socket of CPU <paramref name="cpu"/>.</summary>
    public int SocketOf(int cpu) => CoreOf(cpu) / CoresPerSocket;

    /// <summary>The CPU that is hardware thread <paramref name="thread"/> of core <paramref name="core"/>, in the OS's numbering.</summary>
    public int CpuOf(int core, int thread)
    {
        if (core < 0 || core >= Cores)
            throw new ArgumentOutOfRangeException(nameof(core), core, $"core {core} of a {Cores}-core machine");
        if (thread < 0 || thread >= ThreadsPerCore)
            throw new ArgumentOutOfRangeException(nameof(thread), thread, $"hardware thread {thread} of a {ThreadsPerCore}-thread core");
        return Numbering == CpuNumbering.CoresFirst ? (thread * Cores) + core : (core * ThreadsPerCore) + thread;
    }

    private void Check(int cpu)
    {
        if (cpu < 0 || cpu >= Cpus)
            throw new ArgumentOutOfRangeException(nameof(cpu), cpu, $"CPU {cpu} of a {Cpus}-CPU machine");
    }
}
