// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Tests.Architecture;

/// <summary>
/// Which project may reference which (docs/architecture.md draws it): every allowed edge is
/// listed, the graph has no cycle, and only the reports assembly references the console and
/// plotting packages. A new project or reference means a line here and an arrow in the picture.
/// </summary>
public static class ReferenceRules
{
    /// <summary>The packages only <see cref="ReportsProject"/> may reference.</summary>
    public static readonly string[] ReportPackages = ["Spectre.Console", "ScottPlot"];

    /// <summary>The one project that draws tables and plots.</summary>
    public const string ReportsProject = "Testbed.Harness.Reports";

    private const string Contract = "Testbed.Contract";
    private const string Interop = "Testbed.Interop";
    private const string Managed = "Testbed.Managed";
    private const string Seeded = "Testbed.Harness.Seeded";
    private const string Files = "Testbed.Harness.Files";
    private const string Sharding = "Testbed.Harness.Sharding";
    private const string Runs = "Testbed.Harness.Runs";
    private const string Scheduling = "Testbed.Harness.Scheduling";
    private const string Kernel = "Testbed.Harness.Kernel";
    private const string Mutants = "Testbed.Harness.Mutants";
    private const string Bench = "Testbed.Harness.Bench";
    private const string Simulation = "Testbed.Harness.Simulation";

    /// <summary>Every project and the projects it may reference: exactly the edges the project files hold.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [Contract] = [],
        [Interop] = [Contract],
        ["Testbed.BindGen"] = [Contract],
        [Managed] = [Contract],
        [Seeded] = [],
        [Files] = [],
        [Sharding] = [Files],
        [Runs] = [Contract, Interop, Managed, Seeded, Sharding],
        [Scheduling] = [Contract, Interop, Managed, Runs, Seeded, Sharding],
        [Kernel] = [Contract, Runs, Seeded, Sharding],
        [Mutants] = [Interop, Managed, Runs, Scheduling],
        [Bench] = [Contract, Interop, Managed, Runs, Seeded, Files],
        [Simulation] = [Contract, Interop, Managed, Runs, Scheduling, Bench, Files],
        [ReportsProject] = [Contract, Runs, Bench, Simulation, Files],
        ["Testbed.Worker"] = [Runs],
        ["Testbed.Cli"] = [Files, Sharding, Runs, Scheduling, Kernel, Mutants, Bench, Simulation, ReportsProject, "Testbed.Worker"],
        ["Testbed.Benchmarks"] = [Runs, Managed, Interop],
        ["Testbed.TrxCount"] = [],
        ["Testbed.Tests"] = [Seeded, Files, Sharding, Runs, Scheduling, Kernel, Mutants, Bench, Simulation, ReportsProject, "Testbed.Cli", "Testbed.Worker", "Testbed.BindGen", "Testbed.TrxCount"],
    };

    /// <summary>What <paramref name="graph"/> breaks, one line each; empty when it keeps every rule.</summary>
    public static IReadOnlyList<string> Problems(ProjectGraph graph)
    {
        var problems = new List<string>();
        foreach (var (project, references) in graph.Projects)
        {
            if (!Allowed.TryGetValue(project, out var allowed))
            {
                problems.Add($"{project}: a project the rules do not know (add it to {nameof(ReferenceRules)}.{nameof(Allowed)} and docs/architecture.md)");
                continue;
            }

            problems.AddRange(references.Except(allowed).Order(StringComparer.Ordinal).Select(r => $"{project} -> {r}: not an allowed reference"));
            problems.AddRange(allowed.Except(references).Order(StringComparer.Ordinal).Select(r => $"{project} -> {r}: allowed but not referenced (take it out of the rules)"));
        }

        problems.AddRange(Allowed.Keys.Except(graph.Projects.Keys).Order(StringComparer.Ordinal).Select(p => $"{p}: in the rules but no such project"));
        if (Cycle(graph.Projects) is { } cycle)
            problems.Add($"cycle: {string.Join(" -> ", cycle)}");
        foreach (var (project, packages) in graph.Packages)
        {
            if (project != ReportsProject)
                problems.AddRange(packages.Intersect(ReportPackages).Select(p => $"{project}: references {p}, which only {ReportsProject} may"));
        }

        return problems;
    }

    /// <summary>One cycle of <paramref name="edges"/>, first project repeated at the end; null when there is none.</summary>
    public static IReadOnlyList<string>? Cycle(IReadOnlyDictionary<string, IReadOnlySet<string>> edges)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();

        IReadOnlyList<string>? Visit(string node)
        {
            if (path.IndexOf(node) is var at and >= 0)
                return [.. path[at..], node];
            if (!done.Add(node))
                return null;
            path.Add(node);
            var targets = edges.TryGetValue(node, out var known) ? known : new HashSet<string>();
            foreach (var next in targets.Order(StringComparer.Ordinal))
            {
                if (Visit(next) is { } found)
                    return found;
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return edges.Keys.Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(c => c is not null);
    }
}
