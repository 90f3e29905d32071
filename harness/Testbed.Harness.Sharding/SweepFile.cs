// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Testbed.Harness.Files;

namespace Testbed.Harness.Sharding;

/// <summary>
/// The mergeable result of a sweep run: one shard's units, or all of them (shard 0/1, a single
/// run or a merge). <see cref="Kind"/>, <see cref="Parameters"/> and <see cref="Units"/> name the
/// sweep; <see cref="Host"/>, <see cref="Started"/> and <see cref="Seconds"/> say where and how
/// long it ran. Written as camelCase JSON (docs/cluster.md has the format).
/// </summary>
public sealed record SweepFile
{
    /// <summary>The format this code writes and reads.</summary>
    public const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The file format's version.</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>The sweep kind: differential, kernel, ab, pct, mutants.</summary>
    public required string Kind { get; init; }

    /// <summary>Every option that defines the sweep (not --shard, not output paths), as text.</summary>
    public required SortedDictionary<string, string> Parameters { get; init; }

    /// <summary>Units in the whole sweep.</summary>
    public required int Units { get; init; }

    /// <summary>Which shard this file holds (0/1: all of it).</summary>
    public required Shard Shard { get; init; }

    /// <summary>The machine(s) that ran it.</summary>
    public string Host { get; init; } = Environment.MachineName;

    /// <summary>When it started (the earliest shard's start for a merge).</summary>
    public DateTimeOffset Started { get; init; }

    /// <summary>Wall-clock seconds it ran (summed over shards for a merge).</summary>
    public double Seconds { get; init; }

    /// <summary>This file's units, ascending by index.</summary>
    public required IReadOnlyList<SweepUnit> Results { get; init; }

    /// <summary>
    /// The part a merge must reproduce, as canonical JSON text: kind, parameters, units and every
    /// unit's result; no shard, host, time or measurement.
    /// </summary>
    public string ReportJson()
    {
        var results = new JsonArray();
        foreach (var unit in Results.OrderBy(u => u.Index))
            results.Add(new JsonObject { ["index"] = unit.Index, ["result"] = unit.Result.DeepClone() });
        return new JsonObject
        {
            ["format"] = Format,
            ["kind"] = Kind,
            ["parameters"] = ParametersJson(),
            ["units"] = Units,
            ["results"] = results,
        }.ToJsonString();
    }

    /// <summary>The whole file as a JSON object.</summary>
    public JsonObject ToJson()
    {
        var results = new JsonArray();
        foreach (var unit in Results)
        {
            var item = new JsonObject { ["index"] = unit.Index, ["result"] = unit.Result.DeepClone() };
            if (unit.Measured is not null)
                item["measured"] = unit.Measured.DeepClone();
            results.Add(item);
        }
        return new JsonObject
        {
            ["format"] = Format,
            ["kind"] = Kind,
            ["parameters"] = ParametersJson(),
            ["units"] = Units,
            ["shard"] = Shard.ToString(),
            ["host"] = Host,
            ["started"] = Started.ToString("O", CultureInfo.InvariantCulture),
            ["seconds"] = Seconds,
            ["results"] = results,
        };
    }

    /// <summary>Writes the file (indented) atomically (<see cref="AtomicFile"/>), creating its folder.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, ToJson().ToJsonString(Indented) + "\n");

    /// <summary>Reads a file written by <see cref="Write"/>; <see cref="InvalidDataException"/> names the path and the problem.</summary>
    public static SweepFile Read(string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not JSON ({e.Message})");
        }
        try
        {
            return FromJson(node as JsonObject ?? throw new InvalidDataException("not a JSON object"));
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or FormatException or ArgumentException
            or InvalidCastException or OverflowException)
        {
            throw new InvalidDataException($"{path}: not a sweep result ({e.Message})");
        }
    }

    private static SweepFile FromJson(JsonObject json)
    {
        var format = Required(json, "format").GetValue<int>();
        if (format != CurrentFormat)
            throw new InvalidDataException($"format {format}, this testbed reads format {CurrentFormat}");
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Required(json, "parameters").AsObject())
            parameters[key] = value?.GetValue<string>() ?? throw new InvalidDataException($"parameter {key} is null");
        var results = new List<SweepUnit>();
        foreach (var (item, i) in Required(json, "results").AsArray().Select((item, i) => (item, i)))
        {
            var unit = item as JsonObject ?? throw new InvalidDataException($"results[{i}] is not an object");
            var index = Required(unit, "index").GetValue<int>();
            results.Add(new SweepUnit(
                index,
                Required(unit, "result") as JsonObject is { } result ? (JsonObject)result.DeepClone()
                    : throw new InvalidDataException($"unit {index}: \"result\" is not an object"),
                unit["measured"] switch
                {
                    null => null,
                    JsonObject measured => (JsonObject)measured.DeepClone(),
                    _ => throw new InvalidDataException($"unit {index}: \"measured\" is not an object"),
                }));
        }
        return new SweepFile
        {
            Format = format,
            Kind = Required(json, "kind").GetValue<string>(),
            Parameters = parameters,
            Units = Required(json, "units").GetValue<int>(),
            Shard = Shard.Parse(Required(json, "shard").GetValue<string>()),
            Host = json["host"]?.GetValue<string>() ?? "",
            Started = DateTimeOffset.Parse(Required(json, "started").GetValue<string>(), CultureInfo.InvariantCulture),
            Seconds = json["seconds"]?.GetValue<double>() ?? 0,
            Results = results,
        };
    }

    private static JsonNode Required(JsonObject json, string name) =>
        json[name] ?? throw new InvalidDataException($"no \"{name}\"");

    private JsonObject ParametersJson()
    {
        var parameters = new JsonObject();
        foreach (var (key, value) in Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            parameters[key] = value;
        return parameters;
    }
}
