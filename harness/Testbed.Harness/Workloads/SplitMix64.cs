// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Workloads;

/// <summary>
/// SplitMix64: a tiny PRNG written out here so that a seed yields the same
/// operation stream on every .NET version (System.Random gives no such promise).
/// </summary>
public sealed class SplitMix64
{
    private ulong _state;

    /// <summary>Starts a generator at <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        var z = _state += 0x9e3779b97f4a7c15UL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, <paramref name="bound"/>); bound must be positive.</summary>
    public int Below(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        return (int)(Next() % (ulong)bound);
    }

    /// <summary>A value in [<paramref name="min"/>, <paramref name="max"/>] inclusive.</summary>
    public int Between(int min, int max) => min + Below(max - min + 1);

    /// <summary>True with probability <paramref name="percent"/>/100.</summary>
    public bool Chance(int percent) => Below(100) < percent;

    /// <summary>Derives an independent generator, e.g. one per thread.</summary>
    public static SplitMix64 Derive(ulong seed, ulong stream)
    {
        var mixer = new SplitMix64(seed ^ (stream * 0xd1b54a32d192ed03UL));
        return new SplitMix64(mixer.Next());
    }
}
