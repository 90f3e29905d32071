// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;

namespace Testbed.Harness.Sharding;

/// <summary>
/// Combines the shards of one sweep into the file a single run would have written. Refuses,
/// with an <see cref="InvalidDataException"/> that names the files and the problem, anything
/// that is not exactly one sweep cut once: another kind or parameters, another n, a shard
/// missing or given twice, a unit missing, duplicated or in the wrong shard.
/// </summary>
public static class SweepMerger
{
    /// <summary>Merges <paramref name="shards"/> (name → file, the name used in messages).</summary>
    public static SweepFile Merge(IReadOnlyList<(string Name, SweepFile File)> shards)
    {
        if (shards.Count == 0)
            throw new InvalidDataException("no shard files given");
        var (firstName, first) = shards[0];
        foreach (var (name, file) in shards.Skip(1))
            CheckSameSweep(firstName, first, name, file);

        var count = first.Shard.Count;
        var byIndex = new Dictionary<int, string>();
        foreach (var (name, file) in shards)
        {
            if (file.Shard.Count != count)
                throw new InvalidDataException($"{firstName} is shard {first.Shard}, {name} shard {file.Shard}: different numbers of shards");
            if (!byIndex.TryAdd(file.Shard.Index, name))
                throw new InvalidDataException($"shard {file.Shard} given twice: {byIndex[file.Shard.Index]} and {name}");
            CheckShard(name, file);
        }
        var missing = Enumerable.Range(0, count).Where(k => !byIndex.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{first.Kind} sweep: shard(s) {IndexList.Describe(missing)} of {count} missing ({shards.Count} of {count} given)"));

        return first with
        {
            Shard = Shard.All,
            Host = string.Join(", ", shards.Select(s => s.File.Host).Distinct(StringComparer.Ordinal)),
            Started = shards.Min(s => s.File.Started),
            Seconds = shards.Sum(s => s.File.Seconds),
            Results = [.. shards.SelectMany(s => s.File.Results).OrderBy(u => u.Index)],
        };
    }

    private static void CheckSameSweep(string aName, SweepFile a, string bName, SweepFile b)
    {
        if (a.Kind != b.Kind)
            throw new InvalidDataException($"{aName} is a {Abbreviated(a.Kind)} sweep, {bName} a {Abbreviated(b.Kind)} sweep");
        foreach (var key in a.Parameters.Keys.Union(b.Parameters.Keys).Order(StringComparer.Ordinal))
        {
            var av = a.Parameters.GetValueOrDefault(key);
            var bv = b.Parameters.GetValueOrDefault(key);
            if (av != bv)
                throw new InvalidDataException($"not the same sweep: {key} is {Abbreviated(av)} in {aName}, {Abbreviated(bv)} in {bName}");
        }
        if (a.Units != b.Units)
            throw new InvalidDataException($"not the same sweep: {a.Units} units in {aName}, {b.Units} in {bName}");
    }

    /// <summary>
    /// Checks that <paramref name="file"/> (named <paramref name="name"/> in messages) holds exactly
    /// its shard's units: each in the sweep, in this shard and once, none missing; an
    /// <see cref="InvalidDataException"/> says what is wrong.
    /// </summary>
    public static void CheckShard(string name, SweepFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var seen = new HashSet<int>();
        foreach (var unit in file.Results)
        {
            if (unit.Index < 0 || unit.Index >= file.Units)
                throw new InvalidDataException($"{name}: unit {unit.Index} is outside the sweep's {file.Units} units");
            if (!file.Shard.Owns(unit.Index))
                throw new InvalidDataException($"{name}: unit {unit.Index} does not belong to shard {file.Shard}");
            if (!seen.Add(unit.Index))
                throw new InvalidDataException($"{name}: unit {unit.Index} appears twice");
        }
        var expected = file.Shard.UnitCount(file.Units);
        if (seen.Count != expected)
        {
            var lacking = file.Shard.Units(file.Units).Where(u => !seen.Contains(u));
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{name}: shard {file.Shard} holds {seen.Count} of its {expected} units (lacks {IndexList.Describe(lacking)}): an interrupted run?"));
        }
    }

    private static string Abbreviated(string? text) =>
        text is null ? "(unset)" : text.Length <= 40 ? text : text[..37] + "...";
}
