// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Kernel;
using Xunit;

namespace Testbed.Tests.Kernel;

/// <summary>The per-counter bands of the kernel's and the model's per-VMA lock statistics (<see cref="LockStatComparison"/>).</summary>
public sealed class LockStatComparisonSpecs
{
    [Fact]
    public void Bands_that_overlap_on_every_counter_pass()
    {
        // kernel: 20 % and 22 % success of 1000 faults each; model: 15-16 % success plus 7 % without anon_vma
        var kernel = new[] { new VmaLockCounts(200, 790, 10, 1, 5), new VmaLockCounts(220, 770, 10, 0, 5) };
        var model = new[] { new ModelVmaLockCounts(150, 780, 1, 70, 1000), new ModelVmaLockCounts(160, 770, 0, 70, 1000) };

        var c = LockStatComparison.Compare(kernel, model);

        Assert.True(c.Passed, c.ToTable());
        var success = c.Rows.Single(r => r.Counter == "success");
        Assert.Equal(new LockStatComparison.Band(0.20, 0.22), success.Kernel);
        // from none of the "no anon_vma" faults to all of them, over both runs
        Assert.Equal(new LockStatComparison.Band(0.15, 0.23), success.Model);
        Assert.Equal(new LockStatComparison.Band(0.0, 0.07), c.Rows.Single(r => r.Counter == "retry").Model);
        Assert.Equal((2, 2, 2000UL, 2000UL), (c.KernelRuns, c.ModelRuns, c.KernelFaults, c.ModelFaults));
    }

    [Fact]
    public void A_counter_whose_bands_part_fails_and_is_named()
    {
        var kernel = new[] { new VmaLockCounts(120, 875, 5, 0, 89) };
        var model = new[] { new ModelVmaLockCounts(300, 680, 2, 20, 1000) };

        var c = LockStatComparison.Compare(kernel, model);

        Assert.False(c.Passed);
        Assert.Equal(["success", "abort", "miss"], c.Rows.Where(r => !r.Agrees).Select(r => r.Counter));
        Assert.Contains("abort    87.50%", c.ToTable());
        Assert.Contains("DIFFERS", c.ToTable());
    }

    [Fact]
    public void A_side_without_runs_or_faults_is_refused()
    {
        var model = new[] { new ModelVmaLockCounts(1, 1, 0, 0, 2) };

        Assert.Throws<ArgumentException>(() => LockStatComparison.Compare([], model));
        Assert.Throws<ArgumentException>(() => LockStatComparison.Compare([new VmaLockCounts(0, 0, 0, 0, 1)], model));
    }
}
