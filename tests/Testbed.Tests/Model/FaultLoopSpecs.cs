// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using Xunit.Abstractions;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>A long single-thread fault loop: every fault counted, the mm healthy after it.</summary>
public sealed class FaultLoopSpecs(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_single_thread_fault_loop_counts_every_fault_and_reports_its_rate(string backend, string config)
    {
        // Not a timing assertion: the rate is printed for the report.
        using var mm = Create(backend, config);
        const int pages = 4096;
        Ok(mm.MapAnon(0, pages, RW), "mmap");
        Ok(mm.Fault(0, FaultFlags.Write), "fault 0");
        const int loops = 200_000;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < loops; i++)
            mm.Execute(Operation.Fault(P(i % pages), FaultFlags.Write));
        sw.Stop();
        output.WriteLine($"{backend}/{config}: {loops / sw.Elapsed.TotalSeconds:N0} faults/s");
        Assert.Equal((ulong)loops + 1, mm.GetStats().Faults);
        mm.AssertHealthy();
    }
}
