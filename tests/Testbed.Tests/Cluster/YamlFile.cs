// SPDX-License-Identifier: GPL-2.0-only
using YamlDotNet.RepresentationModel;

namespace Testbed.Tests.Cluster;

/// <summary>
/// A YAML file of the repository (a Kubernetes manifest, a CI workflow) parsed by YamlDotNet:
/// every document's root mapping, and typed lookups that fail with the path they looked for.
/// </summary>
internal static class YamlFile
{
    /// <summary>The root mapping of every document in <paramref name="path"/>; throws when one is not a mapping.</summary>
    public static IReadOnlyList<YamlMappingNode> Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
            stream.Load(reader);
        return stream.Documents
            .Select((d, i) => d.RootNode as YamlMappingNode
                ?? throw new InvalidDataException($"{path}: document {i} is not a mapping"))
            .ToArray();
    }

    /// <summary>The only document of <paramref name="path"/>.</summary>
    public static YamlMappingNode LoadSingle(string path) =>
        Load(path) is [var only] ? only : throw new InvalidDataException($"{path}: expected one YAML document");

    /// <summary>The mapping under <paramref name="key"/>.</summary>
    public static YamlMappingNode Map(this YamlMappingNode node, string key) =>
        Child(node, key) as YamlMappingNode ?? throw Wrong(node, key, "a mapping");

    /// <summary>The sequence under <paramref name="key"/>.</summary>
    public static YamlSequenceNode Seq(this YamlMappingNode node, string key) =>
        Child(node, key) as YamlSequenceNode ?? throw Wrong(node, key, "a sequence");

    /// <summary>The scalar text under <paramref name="key"/>.</summary>
    public static string Text(this YamlMappingNode node, string key) =>
        (Child(node, key) as YamlScalarNode)?.Value ?? throw Wrong(node, key, "a scalar");

    /// <summary>Whether <paramref name="key"/> is there.</summary>
    public static bool Has(this YamlMappingNode node, string key) => Child(node, key) is not null;

    /// <summary>The scalar text under <paramref name="key"/>, or null when the key is absent.</summary>
    public static string? TextOrNull(this YamlMappingNode node, string key) => node.Has(key) ? node.Text(key) : null;

    /// <summary>The integer under <paramref name="key"/>.</summary>
    public static int Int(this YamlMappingNode node, string key) =>
        int.TryParse(node.Text(key), out var value) ? value : throw Wrong(node, key, "an integer");

    /// <summary>The scalars of a sequence, in order.</summary>
    public static IReadOnlyList<string> Texts(this YamlSequenceNode sequence) =>
        sequence.Children.Select(c => (c as YamlScalarNode)?.Value
            ?? throw new InvalidDataException($"line {c.Start.Line}: expected a scalar in the sequence")).ToArray();

    /// <summary>The mappings of a sequence, in order.</summary>
    public static IReadOnlyList<YamlMappingNode> Maps(this YamlSequenceNode sequence) =>
        sequence.Children.Select(c => c as YamlMappingNode
            ?? throw new InvalidDataException($"line {c.Start.Line}: expected a mapping in the sequence")).ToArray();

    /// <summary>The sequence under <paramref name="key"/> as scalars: a one-scalar value counts as a one-element list.</summary>
    public static IReadOnlyList<string> TextOrTexts(this YamlMappingNode node, string key) =>
        Child(node, key) switch
        {
            YamlScalarNode scalar => [scalar.Value ?? ""],
            YamlSequenceNode sequence => sequence.Texts(),
            _ => throw Wrong(node, key, "a scalar or a sequence"),
        };

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static InvalidDataException Wrong(YamlMappingNode node, string key, string what) =>
        new($"line {node.Start.Line}: expected {what} under '{key}'");
}
