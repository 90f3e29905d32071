// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Kernel;

/// <summary>
/// One race step as the guest program runs it (native/guest/guest.c, run_race), so that the
/// model can run the same workload: the range [Addr, Addr + Len) is reserved PROT_NONE and its
/// inner pages mapped private anonymous read-write; <see cref="Threads"/> threads each make
/// <see cref="Iterations"/> touches drawn from their own xorshift stream (<see cref="Touches"/>)
/// while the main thread makes as many munmap / mprotect / mmap(MAP_FIXED) calls of single
/// inner pages from its stream (<see cref="MainOps"/>). The streams are seeded with the step's
/// operation index in its sequence, as the guest seeds them: the same seed gives the same
/// operations on both sides; only their interleaving is the run's.
/// </summary>
public sealed record GuestRace(int Sequence, int OpIndex, int Threads, int Iterations, ulong Addr, ulong Len)
{
    private const ulong Page = 4096;

    /// <summary>The first inner page (the guest keeps one PROT_NONE page at each end).</summary>
    public ulong InnerStart => Addr + Page;

    /// <summary>The number of inner pages, the ones that race.</summary>
    public ulong InnerPages => (Len / Page) - 2;

    /// <summary>Every race step of <paramref name="batch"/>, in batch order.</summary>
    public static IReadOnlyList<GuestRace> Of(KernelBatch batch) =>
        [.. batch.Sequences.SelectMany(seq => seq.Ops
            .Select((step, i) => (step, k: i + 1))
            .Where(x => x.step.Race is not null)
            .Select(x => new GuestRace(seq.Index, x.k, x.step.Race!.Value.Threads, x.step.Race.Value.Iterations, x.step.Op.Addr, x.step.Op.Len)))];

    /// <summary>The model's setup of the step: the reservation, then the inner pages read-write.</summary>
    public IReadOnlyList<Operation> Setup() =>
    [
        Operation.Mmap(Addr, Len, Prot.None, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed),
        Operation.Mmap(InnerStart, InnerPages * Page, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed),
    ];

    /// <summary>Thread <paramref name="id"/>'s touches: the address and whether it writes (race_toucher).</summary>
    public IReadOnlyList<(ulong Addr, bool Write)> Touches(int id)
    {
        var s = ((ulong)OpIndex * 2654435761UL) + (ulong)id + 1;
        var list = new List<(ulong, bool)>(Iterations);
        for (var i = 0; i < Iterations; i++)
        {
            var x = XorShift(ref s);
            list.Add((InnerStart + (x % InnerPages * Page) + ((x >> 40) % Page), ((x >> 20) & 1) != 0));
        }

        return list;
    }

    /// <summary>The main thread's calls (run_race's loop): munmap, mprotect (read or read-write) or mmap of one inner page.</summary>
    public IReadOnlyList<Operation> MainOps()
    {
        var s = ((ulong)OpIndex * 0x9e3779b97f4a7c15UL) + 7;
        var list = new List<Operation>(Iterations);
        for (var i = 0; i < Iterations; i++)
        {
            var x = XorShift(ref s);
            var a = InnerStart + (x % InnerPages * Page);
            list.Add(((x >> 32) % 3) switch
            {
                0 => Operation.Munmap(a, Page),
                1 => Operation.Mprotect(a, Page, ((x >> 40) & 1) != 0 ? Prot.Read : Prot.Read | Prot.Write),
                _ => Operation.Mmap(a, Page, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed),
            });
        }

        return list;
    }

    private static ulong XorShift(ref ulong s)
    {
        var x = s;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s = x;
        return x;
    }
}
