// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Testbed.Harness.Sharding;

/// <summary>
/// The fields a unit's JSON object must have (or may have: absent or null), and the kind of
/// each, so a merge can check every unit completely before a report reads any: <see cref="Problem"/>
/// names the first field that is missing or of the wrong kind, in a short line.
/// </summary>
public sealed class JsonShape
{
    private readonly List<(string Name, string Kind, bool Optional, Func<JsonNode, bool> Fits)> fields = [];
    private readonly Dictionary<string, JsonShape> objects = new(StringComparer.Ordinal);

    /// <summary>A string field.</summary>
    public JsonShape Text(string name, bool optional = false) => Add(name, "a string", optional, n => Is(n, JsonValueKind.String));

    /// <summary>A whole number that fits an int.</summary>
    public JsonShape Int(string name, bool optional = false) =>
        Add(name, "a 32-bit whole number", optional, n => n is JsonValue v && v.TryGetValue<int>(out _));

    /// <summary>A whole number that fits a long.</summary>
    public JsonShape Integer(string name, bool optional = false) =>
        Add(name, "a whole number", optional, n => n is JsonValue v && v.TryGetValue<long>(out _));

    /// <summary>Any number.</summary>
    public JsonShape Number(string name, bool optional = false) =>
        Add(name, "a number", optional, n => n is JsonValue v && v.TryGetValue<double>(out _));

    /// <summary>true or false.</summary>
    public JsonShape Flag(string name, bool optional = false) =>
        Add(name, "true or false", optional, n => Is(n, JsonValueKind.True) || Is(n, JsonValueKind.False));

    /// <summary>An array of strings.</summary>
    public JsonShape Texts(string name, bool optional = false) =>
        Add(name, "an array of strings", optional, n => n is JsonArray a && a.All(e => e is not null && Is(e, JsonValueKind.String)));

    /// <summary>An object of <paramref name="shape"/>.</summary>
    public JsonShape Object(string name, JsonShape shape, bool optional = false)
    {
        ArgumentNullException.ThrowIfNull(shape);
        objects[name] = shape;
        return Add(name, "an object", optional, n => n is JsonObject);
    }

    /// <summary>Null when <paramref name="json"/> has every field this shape requires, of its kind; else what is wrong.</summary>
    public string? Problem(JsonObject? json)
    {
        if (json is null)
            return "not an object";
        foreach (var (name, kind, optional, fits) in fields)
        {
            var node = json[name];
            if (node is null)
            {
                if (!optional)
                    return json.ContainsKey(name) ? $"\"{name}\" is null, not {kind}" : $"no \"{name}\"";
                continue;
            }
            if (!fits(node))
                return $"\"{name}\" is {Abbreviated(node)}, not {kind}";
            if (objects.TryGetValue(name, out var shape) && shape.Problem(node.AsObject()) is { } inner)
                return $"\"{name}\": {inner}";
        }
        return null;
    }

    private JsonShape Add(string name, string kind, bool optional, Func<JsonNode, bool> fits)
    {
        fields.Add((name, kind, optional, fits));
        return this;
    }

    private static bool Is(JsonNode node, JsonValueKind kind) => node.GetValueKind() == kind;

    private static string Abbreviated(JsonNode node)
    {
        var text = node.ToJsonString();
        return text.Length <= 40 ? text : text[..37] + "...";
    }
}
