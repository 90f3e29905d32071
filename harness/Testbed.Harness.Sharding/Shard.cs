// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;

namespace Testbed.Harness.Sharding;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> ("k/n", 0-based: a Slurm array task id or a
/// Kubernetes completion index is used as it is). Unit i of a sweep belongs to shard i % n:
/// round-robin, so neighbouring units, which tend to cost alike, spread over the shards.
/// </summary>
public readonly record struct Shard
{
    /// <summary>The most shards one sweep may be cut into.</summary>
    public const int MaxCount = 100_000;

    /// <summary>Creates shard <paramref name="index"/>/<paramref name="count"/>; throws when 0 &lt;= index &lt; count &lt;= <see cref="MaxCount"/> does not hold.</summary>
    public Shard(int index, int count)
    {
        if (count < 1 || count > MaxCount || index < 0 || index >= count)
            throw new ArgumentOutOfRangeException(nameof(index), $"shard {index}/{count}: needs 0 <= k < n <= {MaxCount}");
        Index = index;
        Count = count;
    }

    /// <summary>The whole sweep: 0/1.</summary>
    public static Shard All => new(0, 1);

    /// <summary>k, 0-based.</summary>
    public int Index { get; }

    /// <summary>n, the number of shards.</summary>
    public int Count { get; }

    /// <summary>Parses "k/n"; a <see cref="FormatException"/> says what is wrong.</summary>
    public static Shard Parse(string text) =>
        TryParse(text, out var shard, out var error) ? shard : throw new FormatException(error);

    /// <summary>Parses "k/n"; false with a one-line <paramref name="error"/> when it is not a shard.</summary>
    public static bool TryParse(string? text, out Shard shard, out string error)
    {
        shard = All;
        var parts = (text ?? "").Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            error = $"'{text}' is not a shard: expected k/n, e.g. 0/4 (k is 0-based)";
            return false;
        }
        if (n < 1 || n > MaxCount || k >= n)
        {
            error = $"'{text}' is not a shard k/n: needs 0 <= k < n <= {MaxCount} (k is 0-based)";
            return false;
        }
        shard = new Shard(k, n);
        error = "";
        return true;
    }

    /// <summary>Whether unit <paramref name="unit"/> of the sweep belongs to this shard.</summary>
    public bool Owns(int unit) => unit >= 0 && unit % Count == Index;

    /// <summary>This shard's units of a sweep of <paramref name="total"/> units, ascending.</summary>
    public IEnumerable<int> Units(int total)
    {
        for (var unit = Index; unit < total; unit += Count)
            yield return unit;
    }

    /// <summary>How many of <paramref name="total"/> units this shard owns.</summary>
    public int UnitCount(int total) => total <= Index ? 0 : ((total - Index - 1) / Count) + 1;

    /// <summary>"k/n".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
