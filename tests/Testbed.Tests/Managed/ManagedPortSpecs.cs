// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Managed;
using Testbed.Managed.Kernel;
using Testbed.Managed.Mm;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Managed;

/// <summary>
/// What only the managed port has: its test-only switches, its kernel objects driven directly,
/// and -EBADF (not an exception) after Dispose. The mm specs both backends share are in
/// tests/Model, run on every backend and config.
/// </summary>
public sealed class ManagedPortSpecs
{
    [Fact]
    public void The_test_only_anon_vma_switch_visibly_changes_the_merge_of_different_anon_vmas()
    {
        // AAAA    CCCC, both written (own anon_vmas); map PPPP between. Without the switch
        // A and P merge and C stays apart (tests/Model VmaMergeSpecs); with is_mergeable_anon_vma
        // forced to yes all three merge, and anon_vma_merge reports the mismatch.
        using var mm = new ManagedAddressSpace("mmu-spf", new ManagedOptions { TestOnlyIgnoreAnonVmaInMerge = true });
        mm.MapAnon(0, 4, RW);
        mm.MapAnon(8, 4, RW);
        mm.Execute(Operation.Fault(P(0), FaultFlags.Write));
        mm.Execute(Operation.Fault(P(8), FaultFlags.Write));

        mm.MapAnon(4, 4, RW);

        Assert.Equal("0-12", mm.Layout());
        Assert.Equal(1u, mm.Config.TestFlags);
        Assert.Contains(mm.Violations(), v => v.Message.Contains("anon_vma_merge"));
    }

    [Fact]
    public void Using_a_vma_after_its_last_put_records_a_violation()
    {
        // Arrange: an mm driven directly, with `current` pointing at it
        var mm = new MmStruct(spf: true, new ManagedOptions());
        var task = TaskStruct.Current;
        var saved = task.Mm;
        task.Mm = mm;
        try
        {
            mm.MmapSem.DownWrite();
            Assert.Equal((long)P(0), mm.DoMmap(null, P(0), 2 * Page, Prot.Read, MapFlags.Private | MapFlags.Fixed | MapFlags.Anonymous, 0));
            mm.MmapSem.UpWrite();
            var vma = mm.GetVma(P(0))!;
            mm.MmapSem.DownWrite();
            mm.DoMunmap(P(0), 2 * Page);
            mm.MmapSem.UpWrite();
            mm.PutVma(vma);
            Assert.True(vma.IsFreed);
            Assert.Empty(mm.Violations());

            // Act: one put too many
            mm.PutVma(vma);

            // Assert
            Assert.Contains(mm.Violations(), v => v.Message.Contains("use after free"));
        }
        finally
        {
            task.Mm = saved;
        }
    }

    [Fact]
    public void A_disposed_address_space_answers_ebadf_and_test_only_configs_and_switches_are_refused()
    {
        var mm = new ManagedAddressSpace("mmu-spf");
        mm.Dispose();

        Assert.Equal(-Errno.EBADF, mm.Execute(Operation.Munmap(P(0), Page)));
        Assert.Equal(-Errno.EBADF, mm.GetVma(0, out _, out _));
        Assert.Equal(-Errno.EBADF, mm.InjectAllocFailure(CacheKind.Any, 1));
        Assert.Throws<ArgumentException>(() => new ManagedAddressSpace("nommu-badfree"));
        Assert.Throws<ArgumentException>(() => new ManagedAddressSpace("nommu", new ManagedOptions { TestOnlyIgnoreAnonVmaInMerge = true }));
    }
}
