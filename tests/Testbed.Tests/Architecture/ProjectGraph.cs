// SPDX-License-Identifier: GPL-2.0-only
using System.Xml.Linq;

namespace Testbed.Tests.Architecture;

/// <summary>
/// The solution's projects as the project files say: for each project (by file name, without
/// .csproj) the projects it references and the packages it references.
/// </summary>
public sealed record ProjectGraph(
    IReadOnlyDictionary<string, IReadOnlySet<string>> Projects,
    IReadOnlyDictionary<string, IReadOnlySet<string>> Packages)
{
    /// <summary>The folders under the repository root that hold C# projects.</summary>
    public static readonly string[] Folders = ["contract", "interop", "harness", "tools", "tests"];

    /// <summary>Reads every .csproj under <see cref="Folders"/> (build outputs left out).</summary>
    public static ProjectGraph Read(string root)
    {
        var projects = new SortedDictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var packages = new SortedDictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var files = Folders.SelectMany(f => Directory.EnumerateFiles(Path.Combine(root, f), "*.csproj", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var xml = XDocument.Load(file);
            projects.Add(name, Includes(xml, "ProjectReference").Select(i => Path.GetFileNameWithoutExtension(i.Replace('\\', '/'))).ToHashSet(StringComparer.Ordinal));
            packages.Add(name, Includes(xml, "PackageReference").ToHashSet(StringComparer.Ordinal));
        }

        return new ProjectGraph(projects, packages);
    }

    /// <summary>This graph with one more project reference, <paramref name="from"/> to <paramref name="to"/>.</summary>
    public ProjectGraph WithReference(string from, string to) =>
        this with { Projects = With(Projects, from, to) };

    /// <summary>This graph with one more package reference of <paramref name="project"/>.</summary>
    public ProjectGraph WithPackage(string project, string package) =>
        this with { Packages = With(Packages, project, package) };

    private static IEnumerable<string> Includes(XDocument xml, string item) =>
        xml.Descendants(item).Select(e => (string?)e.Attribute("Include")).OfType<string>();

    private static SortedDictionary<string, IReadOnlySet<string>> With(IReadOnlyDictionary<string, IReadOnlySet<string>> map, string key, string value)
    {
        var copy = new SortedDictionary<string, IReadOnlySet<string>>(map.ToDictionary(), StringComparer.Ordinal);
        copy[key] = copy.GetValueOrDefault(key, new HashSet<string>()).Append(value).ToHashSet(StringComparer.Ordinal);
        return copy;
    }
}
