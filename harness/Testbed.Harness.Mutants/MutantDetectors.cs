// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using Testbed.Harness.Backends;
using Testbed.Harness.Differential;
using Testbed.Harness.Scheduling;
using Testbed.Harness.Workloads;
using Testbed.Interop;

namespace Testbed.Harness.Mutants;

/// <summary>
/// The in-process detectors of <c>testbed mutants</c>, run against one mutant in a process
/// of its own: PCT over the scenarios, the uncontrolled stress baseline on one scenario,
/// and the sequential differential (native vs managed, one side mutated). A native mutant
/// is loaded by pointing TESTBED_NATIVE_DIR at its build before the first native call.
/// </summary>
public sealed class MutantDetectors
{
    private readonly Mutant mutant;
    private readonly AddressSpaceFactory factory;

    /// <summary>Detectors for <paramref name="mutant"/>, built under <paramref name="root"/>.</summary>
    public MutantDetectors(Mutant mutant, string root)
    {
        this.mutant = mutant;
        if (mutant.Native)
        {
            var folder = mutant.Directory(root);
            if (!File.Exists(NativeLibraryResolver.PathOf(mutant.Config, folder)))
                throw new FileNotFoundException($"mutant {mutant.Name} is not built: make -C native mutant MUTANT={mutant.Name} MUTANT_CONFIGS={mutant.Config}");
            Environment.SetEnvironmentVariable(NativeLibraryResolver.DirectoryVariable, folder);
        }
        factory = AddressSpaceFactory.Default.WithManagedOptions(mutant.Managed);
    }

    /// <summary>The factory with the mutant in place (its native library or its managed switch).</summary>
    public AddressSpaceFactory Factory => factory;

    /// <summary>
    /// PCT (depth <paramref name="depth"/>) up to <paramref name="schedules"/> each over every
    /// scenario of the mutant's config, in catalog order; a design with no scenario of its own
    /// (mmu-spf-rcu) runs those that also run on it (<see cref="PctScenario.Designs"/>: the
    /// spf-* scenarios and the mmu-pvl ones).
    /// </summary>
    public DetectorReport Pct(int schedules, ulong seed, int depth)
    {
        var explorer = new Explorer(factory, mutant.Backend);
        var total = 0;
        var operations = 0L;
        var seconds = 0.0;
        var own = ScenarioCatalog.All.Where(s => s.Config == mutant.Config).ToList();
        var scenarios = own.Count > 0 ? own
            : ScenarioCatalog.All.Where(s => s.Designs?.Contains(mutant.Config) == true)
                .Select(s => ScenarioCatalog.OnConfig(s, mutant.Config)).ToList();
        foreach (var scenario in scenarios)
        {
            var result = explorer.Explore(scenario, StrategyKind.Pct, seed, schedules, depth);
            total += result.Schedules;
            operations += result.Operations;
            seconds += result.Elapsed.TotalSeconds;
            if (result.Failure is { } failure)
            {
                var replay = result.Shrunk is { } shrunk
                    ? $"./scripts/testbed pct --mutant {mutant.Name} --scenario {scenario.Name} --replay {shrunk.Run.Schedule}"
                    : $"./scripts/testbed pct --mutant {mutant.Name} --scenario {scenario.Name} --seed {seed} --depth {depth} --schedules {result.Schedules} (not replayable alone: state left by earlier runs)";
                return new DetectorReport(mutant.Name, "pct", true, result.Schedules, result.Operations,
                    result.Elapsed.TotalSeconds, scenario.Name, result.Shrunk?.Run.Schedule.ToString(),
                    failure.Problems.Take(3).ToList(), replay)
                {
                    TotalSchedules = total,
                    TotalSeconds = seconds,
                };
            }
        }
        return new DetectorReport(mutant.Name, "pct", false, total, operations, seconds, null, null, [],
            $"./scripts/testbed mutants --mutant {mutant.Name} --run-detector pct")
        {
            TotalSchedules = total,
            TotalSeconds = seconds,
        };
    }

    /// <summary>The uncontrolled baseline on <paramref name="scenarioName"/>, up to <paramref name="iterations"/> runs.</summary>
    public DetectorReport Stress(string scenarioName, int iterations)
    {
        var scenario = ScenarioCatalog.Find(scenarioName);
        if (scenario.Config != mutant.Config && scenario.Designs?.Contains(mutant.Config) == true)
            scenario = ScenarioCatalog.OnConfig(scenario, mutant.Config);
        var result = new StressBaseline(factory, mutant.Backend).Run(scenario, iterations);
        return new DetectorReport(mutant.Name, "stress", result.Found, result.Schedules, result.Operations,
            result.Elapsed.TotalSeconds, scenario.Name, null, result.Failure?.Problems.Take(3).ToList() ?? [],
            $"./scripts/testbed pct --mutant {mutant.Name} --scenario {scenario.Name} --strategy stress --schedules {iterations}");
    }

    /// <summary>
    /// The sequential differential to exit, native vs managed, over a few mixes and seeds
    /// of <paramref name="ops"/> operations each; stops at the first divergence.
    /// </summary>
    public DetectorReport Differential(int ops, int seeds)
    {
        var mixes = mutant.Config == "nommu"
            ? new[] { WorkloadMix.NommuSharedFile }
            : [WorkloadMix.Mixed, WorkloadMix.MprotectChurn, WorkloadMix.MunmapStorm, WorkloadMix.FaultHeavy];
        var clock = Stopwatch.StartNew();
        var sequences = 0;
        var operations = 0L;
        foreach (var mix in mixes)
        {
            for (var seed = 1UL; seed <= (ulong)seeds; seed++)
            {
                using var native = factory.Create(AddressSpaceFactory.Native, mutant.Config);
                using var managed = factory.Create(AddressSpaceFactory.Managed, mutant.Config);
                var result = SequentialDifferential.RunToExit(native, managed, new Workload(mix, seed, 1, ops));
                sequences++;
                operations += result.OperationsCompared;
                if (result.Divergence is { } d)
                {
                    return new DetectorReport(mutant.Name, "differential", true, sequences, operations,
                        clock.Elapsed.TotalSeconds, $"{mix.Name()} seed {seed}", null,
                        [$"diverges at #{d.Index} ({d.Kind}): {d.Operation}"],
                        $"./scripts/testbed mutants --mutant {mutant.Name} --run-detector differential");
                }
            }
        }
        return new DetectorReport(mutant.Name, "differential", false, sequences, operations, clock.Elapsed.TotalSeconds,
            null, null, [], $"./scripts/testbed mutants --mutant {mutant.Name} --run-detector differential");
    }
}
