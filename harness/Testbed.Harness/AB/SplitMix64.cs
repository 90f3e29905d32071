// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.AB;

/// <summary>The splitmix64 generator, bit for bit the one native/tests/nommu/ab.c uses.</summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        var z = _state += 0x9e3779b97f4a7c15UL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, <paramref name="n"/>).</summary>
    public ulong Below(ulong n) => Next() % n;
}
