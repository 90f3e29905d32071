// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.AB;
using Testbed.Harness.Differential;
using Testbed.Harness.Kernel;
using Testbed.Harness.Scheduling;
using Testbed.Harness.Sharding;

namespace Testbed.Cli.Commands.Sweeps;

/// <summary>
/// The sweep kinds <c>testbed merge</c> takes (<see cref="SweepKind"/>), and the check it makes
/// of every file, shard or reference, before it prints or writes anything: a known kind, the
/// number of units its parameters make, and every unit whole. A single run and a merge print
/// through the same reporter, so they print the same thing.
/// </summary>
internal static class SweepKinds
{
    private static readonly Dictionary<string, SweepKind> Known = new SweepKind[]
    {
        new(DifferentialSweep.Kind, DifferentialSweep.UnitsOf, (_, u) => DifferentialSweep.CheckUnit(u), DifferentialCommand.Report),
        new(AbSweep.Kind, AbSweep.UnitsOf, (_, u) => AbSweep.CheckUnit(u), AbCommand.Report),
        new(PctSweep.Kind, PctSweep.UnitsOf, PctSweep.CheckUnit, PctCommand.Report, PctSweep.Canonical),
        new(KernelSweep.Kind, KernelSweep.UnitsOf, (_, u) => KernelSweep.CheckUnit(u), KernelCommand.Report),
        new(MutantsCommand.Kind, MutantsCommand.UnitsOf, (_, u) => MutantRow.CheckUnit(u), MutantsCommand.Report),
        new(SimulateCommand.Kind, SimulateCommand.UnitsOf, SimulateCommand.CheckUnit, SimulateCommand.Report),
    }.ToDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>
    /// The kind of <paramref name="file"/> (named <paramref name="name"/> in messages), once the
    /// file is found whole: an <see cref="InvalidDataException"/> names the file, the unit's index
    /// and what is wrong when the kind is unknown, the unit count is not the one its parameters
    /// make, or a unit lacks what the report reads.
    /// </summary>
    public static SweepKind Check(string name, SweepFile file)
    {
        if (!Known.TryGetValue(file.Kind, out var kind))
            throw new InvalidDataException($"{name}: no sweep kind '{Abbreviated(file.Kind)}' (known: {string.Join(", ", Known.Keys.Order(StringComparer.Ordinal))})");
        long expected;
        try
        {
            expected = kind.UnitsOf(file.Parameters);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{name}: {e.Message}");
        }
        if (file.Units != expected)
            throw new InvalidDataException($"{name}: {file.Units} units, but its {file.Kind} parameters make {expected}");
        foreach (var unit in file.Results)
        {
            string? problem;
            try
            {
                problem = kind.CheckUnit(file.Parameters, unit);
            }
            catch (InvalidDataException e)
            {
                problem = e.Message;
            }
            if (problem is not null)
                throw new InvalidDataException($"{name}: unit {unit.Index}: {problem}");
        }
        return kind;
    }

    /// <summary>The kind named <paramref name="name"/>, of a file <see cref="Check"/> accepted.</summary>
    public static SweepKind Of(string name) => Known[name];

    private static string Abbreviated(string text) => text.Length <= 20 ? text : text[..17] + "...";
}
