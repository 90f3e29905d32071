// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.BindGen;

/// <summary>Parses the header and writes the bindings: one file per enum, struct and handle, plus the API types.</summary>
public static class BindingGenerator
{
    /// <summary>The generated files (name to content) for <paramref name="options"/>, without writing them.</summary>
    public static SortedDictionary<string, string> Generate(GeneratorOptions options)
    {
        var model = HeaderParser.Parse(options);
        return new CSharpEmitter(options, model).Emit();
    }

    /// <summary>
    /// Generates and writes the bindings into <see cref="GeneratorOptions.Output"/>, deleting
    /// .cs files there that the generator no longer produces. Returns the written paths.
    /// </summary>
    public static IReadOnlyList<string> Run(GeneratorOptions options)
    {
        var files = Generate(options);
        Directory.CreateDirectory(options.Output);
        foreach (var stale in Directory.GetFiles(options.Output, "*.cs"))
        {
            if (!files.ContainsKey(Path.GetFileName(stale)))
                File.Delete(stale);
        }
        var written = new List<string>(files.Count);
        foreach (var (name, content) in files)
        {
            var path = Path.Combine(options.Output, name);
            File.WriteAllText(path, content);
            written.Add(path);
        }
        return written;
    }
}
