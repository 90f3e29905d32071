// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Backends;
using Testbed.Harness.Scheduling;
using Testbed.Managed;
using Xunit;

namespace Testbed.Tests.Scheduling;

/// <summary>
/// The two PCT checks the per-operation scheduling specs share (fork, stack growth, a merge's
/// anon_vma import): a scenario runs its schedules clean on a design and backend, and a managed
/// mutant of mmu-pvl is found on it within 1,000 schedules with the problem it must report.
/// Each failure message carries the replay command.
/// </summary>
public static class ScenarioPct
{
    /// <summary>Every fault design on both backends: the cases of a scenario's clean run.</summary>
    public static IEnumerable<(string Backend, string Config)> FaultDesignsOnBothBackends() =>
        from backend in new[] { AddressSpaceFactory.Native, AddressSpaceFactory.Managed }
        from config in ScenarioCatalog.FaultDesigns
        select (backend, config);

    /// <summary>The same, as the (backend, config) theory data of a scenario's clean run.</summary>
    public static TheoryData<string, string> FaultDesignCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (backend, config) in FaultDesignsOnBothBackends())
            data.Add(backend, config);
        return data;
    }

    /// <summary>PCT (seed 1) runs <paramref name="schedules"/> schedules of the scenario with no finding.</summary>
    public static void AssertClean(string name, string backend, string config, int schedules)
    {
        var scenario = ScenarioCatalog.OnConfig(ScenarioCatalog.Find(name), config);
        var pct = new Explorer(AddressSpaceFactory.Default, backend).Explore(scenario, StrategyKind.Pct, seed: 1, maxSchedules: schedules);
        Assert.False(pct.Found, $"PCT on {config} ({backend}): {string.Join("; ", pct.Failure?.Problems ?? [])}; " +
            $"replay: ./scripts/testbed pct --backend {backend} --config {config} --scenario {name} --replay {pct.Shrunk?.Run.Schedule}");
        Assert.Equal(schedules, pct.Schedules);
    }

    /// <summary>
    /// PCT (seed 1) finds the managed mutant <paramref name="catalogName"/> on the scenario on
    /// mmu-pvl within 1,000 schedules, reporting <paramref name="problem"/>; prints the count.
    /// </summary>
    public static void AssertFinds(string name, ManagedMutant mutant, string catalogName, string problem)
    {
        var factory = AddressSpaceFactory.Default.WithManagedOptions(new ManagedOptions { TestOnlyMutant = mutant });
        var scenario = ScenarioCatalog.OnConfig(ScenarioCatalog.Find(name), "mmu-pvl");
        var pct = new Explorer(factory, AddressSpaceFactory.Managed).Explore(scenario, StrategyKind.Pct, seed: 1, maxSchedules: 1000);
        Assert.True(pct.Found, $"PCT missed {catalogName} on {name} in 1000 schedules (seed 1)");
        Assert.Contains(pct.Failure!.Problems, p => p.Contains(problem, StringComparison.Ordinal));
        Console.WriteLine($"{name}: found after {pct.Schedules} schedules; replay: ./scripts/testbed pct --mutant {catalogName} " +
            $"--config mmu-pvl --scenario {name} --replay {pct.Shrunk?.Run.Schedule}");
    }
}
