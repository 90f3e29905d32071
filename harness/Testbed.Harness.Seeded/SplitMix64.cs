// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Seeded;

/// <summary>
/// SplitMix64, the one PRNG of every seeded generator here (the A/B sequences, the kernel
/// sequences and the workloads), written out so that a seed yields the same stream on every
/// .NET version (System.Random gives no such promise). The C drivers keep their own generators,
/// as they run without .NET: native/tests/nommu/ab.c has a copy of this one, bit for bit, so the
/// C and C# A/B runners draw the same sequences; native/stress/stress.c uses xorshift64*.
/// </summary>
public sealed class SplitMix64
{
    private const ulong Golden = 0x9e3779b97f4a7c15UL;

    private ulong _state;

    /// <summary>Starts a generator at <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next() => Finalize(_state += Golden);

    /// <summary>A value in [0, <paramref name="bound"/>); bound must be positive.</summary>
    public int Below(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        return (int)(Next() % (ulong)bound);
    }

    /// <summary>A value in [0, <paramref name="bound"/>); bound must be positive.</summary>
    public ulong Below(ulong bound)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bound);
        return Next() % bound;
    }

    /// <summary>A value in [<paramref name="min"/>, <paramref name="max"/>] inclusive.</summary>
    public int Between(int min, int max) => min + Below(max - min + 1);

    /// <summary>True with probability <paramref name="percent"/>/100.</summary>
    public bool Chance(int percent) => Below(100) < percent;

    /// <summary>The first output of a generator seeded with <paramref name="z"/>: a 64-bit hash of it.</summary>
    public static ulong Mix(ulong z) => Finalize(z + Golden);

    /// <summary>Derives an independent generator, e.g. one per thread.</summary>
    public static SplitMix64 Derive(ulong seed, ulong stream) => new(Mix(seed ^ (stream * 0xd1b54a32d192ed03UL)));

    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
