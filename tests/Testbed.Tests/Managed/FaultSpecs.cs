// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using Xunit.Abstractions;
using static Testbed.Tests.Managed.ManagedFixture;

namespace Testbed.Tests.Managed;

/// <summary>The speculative and classic fault paths and their counters.</summary>
public sealed class FaultSpecs(ITestOutputHelper output)
{
    [Fact]
    public void A_write_fault_without_anon_vma_falls_back_then_later_faults_are_speculative()
    {
        using var mm = Create();
        mm.MapFixed(0, 4, Prot.Read | Prot.Write);

        var first = mm.Execute(Operation.Fault(P(0), FaultFlags.Write));
        var second = mm.Execute(Operation.Fault(P(1), FaultFlags.Write));
        var read = mm.Execute(Operation.Fault(P(2), FaultFlags.Read));

        Assert.Equal((long)FaultResult.Classic, first);
        Assert.Equal((long)FaultResult.Speculative, second);
        Assert.Equal((long)FaultResult.Speculative, read);
        var s = mm.GetStats();
        Assert.Equal((3UL, 3UL, 2UL, 1UL, 1UL, 1UL), (s.Faults, s.SpfAttempts, s.SpfSuccess, s.SpfAbortNoAnonVma, s.Fallbacks, s.ClassicFaults));
        Assert.Equal(3UL, s.PopulatedPages);
        Assert.Equal(1UL, s.LiveAnonVmas);
        mm.AssertHealthy();
    }

    [Fact]
    public void Faults_on_a_vma_without_anon_vma_or_outside_any_abort_and_the_classic_path_answers()
    {
        using var mm = Create();
        mm.MapFixed(0, 1, Prot.Read);

        Assert.Equal(-Errno.EACCES, mm.Execute(Operation.Fault(P(0), FaultFlags.Write)));
        Assert.Equal(-Errno.EFAULT, mm.Execute(Operation.Fault(P(5), FaultFlags.Read)));

        var s = mm.GetStats();
        Assert.Equal((1UL, 1UL, 2UL, 2UL), (s.SpfAbortNoAnonVma, s.SpfAbortNoVma, s.Segv, s.ClassicFaults));
    }

    [Fact]
    public void File_backed_vmas_abort_not_anon_and_mmu_faults_are_all_classic()
    {
        using var spf = Create();
        using var mmu = Create("mmu");
        var fd = (int)spf.Execute(Operation.FileOpen(Page, FileFlags.None));
        spf.Execute(Operation.Mmap(P(0), Page, Prot.Read, MapFlags.Shared | MapFlags.Fixed, fd));
        mmu.MapFixed(0, 1, Prot.Read);

        Assert.Equal((long)FaultResult.Classic, spf.Execute(Operation.Fault(P(0), FaultFlags.Read)));
        Assert.Equal((long)FaultResult.Classic, mmu.Execute(Operation.Fault(P(0), FaultFlags.Read)));

        Assert.Equal(1UL, spf.GetStats().SpfAbortNotAnon);
        Assert.Equal(0UL, mmu.GetStats().SpfAttempts);
        Assert.Equal(0, mmu.Snapshot()[0].RefCount);
    }

    [Fact]
    public void A_single_thread_fault_loop_reports_its_rate()
    {
        // Not a timing assertion: the rate is printed for the report.
        foreach (var config in new[] { "mmu-spf", "mmu" })
        {
            using var mm = Create(config);
            const int pages = 4096;
            mm.MapFixed(0, pages, Prot.Read | Prot.Write);
            mm.Execute(Operation.Fault(P(0), FaultFlags.Write));
            const int loops = 200_000;
            var sw = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < loops; i++)
                mm.Execute(Operation.Fault(P(i % pages), FaultFlags.Write));
            sw.Stop();
            output.WriteLine($"{config}: {loops / sw.Elapsed.TotalSeconds:N0} faults/s");
            Assert.Equal((ulong)loops + 1, mm.GetStats().Faults);
            mm.AssertHealthy();
        }
    }
}
