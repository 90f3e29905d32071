// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Seeded;

/// <summary>
/// A weighted table of choices, drawn with one <see cref="SplitMix64.Below(int)"/> over the total
/// and a walk in table order: so a table written as thresholds over a roll of 100 (the A/B's, the
/// kernel sequences') or over an array with repeats (a prot table) draws exactly as before.
/// </summary>
public sealed class Weights<T>
{
    private readonly (T Value, int Weight)[] _entries;

    /// <summary>A table of <paramref name="entries"/>, each weight positive.</summary>
    public Weights(params (T Value, int Weight)[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var (_, weight) in entries)
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(weight);
        _entries = entries;
        Total = entries.Sum(e => e.Weight);
    }

    /// <summary>The sum of the weights: what one draw rolls over.</summary>
    public int Total { get; }

    /// <summary>The choice one draw of <paramref name="rng"/> falls on.</summary>
    public T Pick(SplitMix64 rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return At(rng.Below(Total));
    }

    /// <summary>The choice whose share of the total <paramref name="roll"/> (0 ≤ roll &lt; Total) falls in.</summary>
    public T At(int roll)
    {
        foreach (var (value, weight) in _entries)
        {
            if ((roll -= weight) < 0)
                return value;
        }

        throw new ArgumentOutOfRangeException(nameof(roll), roll, $"beyond the weights' total {Total}");
    }
}
