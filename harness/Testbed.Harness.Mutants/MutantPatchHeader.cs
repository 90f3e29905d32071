// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Mutants;

/// <summary>
/// The metadata a mutant's patch carries in its leading text (before the first <c>---</c>
/// line, which <c>patch</c> ignores): one <c>Key: value</c> per line up to the first blank one
/// (native/mutants/*.patch; the catalog's native entries say the same, checked by
/// MutantCatalogSpecs).
/// </summary>
public sealed record MutantPatchHeader(string Name, string Kind, string Area, string Config, string Race, string Breaks, string CaughtBy)
{
    /// <summary>Reads the header of <paramref name="path"/>; throws naming the key it lacks.</summary>
    public static MutantPatchHeader Read(string path)
    {
        var fields = File.ReadLines(path).TakeWhile(l => l.Length > 0)
            .Select(l => l.Split(':', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim(), StringComparer.Ordinal);
        string Field(string key) => fields.TryGetValue(key, out var v) ? v : throw new FormatException($"{path}: no '{key}:' line in the header");
        return new MutantPatchHeader(Field("Mutant"), Field("Kind"), Field("Area"), Field("Config"), Field("Race"), Field("Breaks"), Field("Caught-by"));
    }
}
