// SPDX-License-Identifier: GPL-2.0-only
using System.Text.RegularExpressions;
using Testbed.Harness.Kernel;
using Xunit;

namespace Testbed.Tests.Architecture;

/// <summary>
/// The project references run one way, as docs/architecture.md draws them: read from the
/// project files, held against <see cref="ReferenceRules"/>; and the rules bite on a graph with
/// one forbidden reference or package added.
/// </summary>
public sealed partial class ReferenceGraphSpecs
{
    private static readonly string Root = RepoPaths.Root();

    [Fact]
    public void The_project_files_keep_every_reference_rule()
    {
        var graph = ProjectGraph.Read(Root);
        Assert.Contains(ReferenceRules.ReportsProject, graph.Projects.Keys);
        var problems = ReferenceRules.Problems(graph);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Testbed_Harness_as_one_assembly_is_gone()
    {
        var graph = ProjectGraph.Read(Root);
        Assert.DoesNotContain("Testbed.Harness", graph.Projects.Keys);
        Assert.Equal(10, graph.Projects.Keys.Count(p => p.StartsWith("Testbed.Harness.", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_reference_against_the_arrows_is_named_with_the_cycle_it_makes()
    {
        var graph = ProjectGraph.Read(Root).WithReference("Testbed.Harness.Runs", ReferenceRules.ReportsProject);
        var problems = ReferenceRules.Problems(graph);
        Assert.Contains("Testbed.Harness.Runs -> Testbed.Harness.Reports: not an allowed reference", problems);
        Assert.Contains(problems, p => p.StartsWith("cycle: ", StringComparison.Ordinal)
            && p.Contains("Testbed.Harness.Runs -> Testbed.Harness.Reports", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reference_that_makes_no_cycle_is_still_refused_when_not_listed()
    {
        var problems = ReferenceRules.Problems(ProjectGraph.Read(Root).WithReference("Testbed.Harness.Kernel", "Testbed.Harness.Bench"));
        Assert.Equal(["Testbed.Harness.Kernel -> Testbed.Harness.Bench: not an allowed reference"], problems);
    }

    [Theory]
    [InlineData("Spectre.Console")]
    [InlineData("ScottPlot")]
    public void Only_the_reports_assembly_may_reference_the_console_and_plot_packages(string package)
    {
        var problems = ReferenceRules.Problems(ProjectGraph.Read(Root).WithPackage("Testbed.Harness.Bench", package));
        Assert.Equal([$"Testbed.Harness.Bench: references {package}, which only Testbed.Harness.Reports may"], problems);
    }

    [Fact]
    public void The_cycle_finder_finds_a_cycle_away_from_the_first_project()
    {
        var edges = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
        {
            ["a"] = new HashSet<string> { "b" },
            ["b"] = new HashSet<string> { "c" },
            ["c"] = new HashSet<string> { "d" },
            ["d"] = new HashSet<string> { "b" },
        };
        Assert.Equal(["b", "c", "d", "b"], ReferenceRules.Cycle(edges));
        edges["d"] = new HashSet<string>();
        Assert.Null(ReferenceRules.Cycle(edges));
    }

    [Fact]
    public void Only_the_reports_write_with_spectre_console_or_scottplot()
    {
        string[] allowed = ["Testbed.Harness.Reports"];
        var users = new[] { "harness", "contract", "interop" }
            .SelectMany(f => Directory.EnumerateFiles(Path.Combine(Root, f), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Where(f => ReportPackageName().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(Root, f))
            .ToList();
        Assert.NotEmpty(users);
        var outside = users.Where(f => !allowed.Any(a => f.StartsWith(Path.Combine("harness", a) + Path.DirectorySeparatorChar, StringComparison.Ordinal))).ToList();
        Assert.True(outside.Count == 0, $"Spectre.Console or ScottPlot used outside the reports: {string.Join(", ", outside)}");
    }

    [GeneratedRegex(@"\b(Spectre\.Console|ScottPlot)\b")]
    private static partial Regex ReportPackageName();
}
