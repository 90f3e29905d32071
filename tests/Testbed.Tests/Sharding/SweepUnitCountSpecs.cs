// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Cli.Commands;
using Testbed.Harness.AB;
using Testbed.Harness.Differential;
using Testbed.Harness.Kernel;
using Testbed.Harness.Mutants;
using Testbed.Harness.Scheduling;
using Testbed.Harness.Sharding;
using Xunit;

namespace Testbed.Tests.Sharding;

/// <summary>
/// Each sweep kind knows how many units a result file's parameters make, so a merge can refuse a
/// file whose unit count is not that; a list of indices in a message stays short.
/// </summary>
public sealed class SweepUnitCountSpecs
{
    [Fact]
    public void Each_kind_counts_the_units_its_parameters_make()
    {
        Assert.Equal(8 * 2 * 3, DifferentialSweep.UnitsOf(Parameters(("seeds", "8"), ("configs", "mmu,mmu-spf"), ("mixes", "mixed,fault-heavy,munmap-storm"))));
        Assert.Equal(20, AbSweep.UnitsOf(Parameters(("sequences", "20"))));
        Assert.Equal(16, KernelSweep.UnitsOf(Parameters(("sequences", "16"))));
        Assert.Equal(3 * 50, PctSweep.UnitsOf(Parameters(("scenarios", "a@mmu,b@mmu,c@mmu-spf"), ("strategy", "pct"), ("schedules", "50"))));
        Assert.Equal(3, PctSweep.UnitsOf(Parameters(("scenarios", "a@mmu,b@mmu,c@mmu-spf"), ("strategy", "exhaustive"), ("schedules", "50"))));
        Assert.Equal(MutantCatalog.All.Count, MutantsCommand.UnitsOf(Parameters(("mutants", "all"))));
        Assert.Equal(2, MutantsCommand.UnitsOf(Parameters(("mutants", "x,y"))));
        Assert.Equal(1 + 2 + 3, SimulateCommand.UnitsOf(Parameters(("points", "pft/mmu/1,pft/mmu/2"), ("anchors", "1,2,4"))));
        Assert.Equal(1, SimulateCommand.UnitsOf(Parameters(("points", ""), ("anchors", ""))));
        Assert.Equal(1 + 2 + 3 * 5, SimulateCommand.UnitsOf(Parameters(("points", "pft/mmu/1,pft/mmu/2"), ("anchors", "1,2,4"), ("seeds", "5"))));
    }

    [Fact]
    public void Parameters_that_do_not_say_are_named()
    {
        Assert.Contains("no parameter \"seeds\"", Assert.Throws<InvalidDataException>(() => DifferentialSweep.UnitsOf(Parameters())).Message);
        Assert.Contains("\"sequences\" is 'many'", Assert.Throws<InvalidDataException>(() => AbSweep.UnitsOf(Parameters(("sequences", "many")))).Message);
        Assert.Contains("\"strategy\" is 'fast'",
            Assert.Throws<InvalidDataException>(() => PctSweep.UnitsOf(Parameters(("scenarios", "a@mmu"), ("strategy", "fast"), ("schedules", "5")))).Message);
    }

    [Theory]
    [InlineData(new[] { 5, 7, 9 }, "5, 7, 9")]
    [InlineData(new[] { 1, 2, 3, 4, 8 }, "1..4, 8")]
    [InlineData(new[] { 1, 3, 5, 7, 9, 11, 13 }, "1, 3, 5, 7, 9 and 2 more")]
    public void A_list_of_indices_is_short(int[] indices, string text) => Assert.Equal(text, IndexList.Describe(indices));

    [Fact]
    public void A_hundred_thousand_indices_are_one_range() =>
        Assert.Equal("1..99999", IndexList.Describe(Enumerable.Range(1, 99_999)));

    private static Dictionary<string, string> Parameters(params (string Key, string Value)[] items) =>
        items.ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal);
}
