// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.BindGen;

/// <summary>Parses the header and writes the bindings: the enums, a file per struct and handle, the API types.</summary>
public static class BindingGenerator
{
    /// <summary>The generated files (path to content) for <paramref name="options"/>, without writing them.</summary>
    public static SortedDictionary<string, string> Generate(GeneratorOptions options)
    {
        var model = HeaderParser.Parse(options);
        return new CSharpEmitter(options, model).Emit();
    }

    /// <summary>
    /// Generates and writes the bindings into <see cref="GeneratorOptions.Output"/> and the enums
    /// into <see cref="GeneratorOptions.EnumOutput"/>, deleting .cs files there that the generator
    /// no longer produces. Returns the written paths.
    /// </summary>
    public static IReadOnlyList<string> Run(GeneratorOptions options)
    {
        var files = Generate(options);
        foreach (var folder in new[] { options.Output, options.EnumOutput })
        {
            Directory.CreateDirectory(folder);
            foreach (var stale in Directory.GetFiles(folder, "*.cs"))
            {
                if (!files.ContainsKey(Path.GetFullPath(stale)))
                    File.Delete(stale);
            }
        }
        foreach (var (path, content) in files)
            File.WriteAllText(path, content);
        return files.Keys.ToList();
    }
}
