// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>
/// tb_mm_destroy: the teardown (exit_mmap as in the series, the held get_vma references, the
/// files, the leak check) and where its violations go: to the caller (Destroy) and the
/// backend's global log, never only into the dying mm's own log.
/// </summary>
public sealed class TeardownSpecs
{
    /// <summary>
    /// An mm with every kind of VMA still mapped, populated pages, an anon_vma, a policy and a
    /// get_vma reference held (SPF): exit_mmap frees VMAs that are still linked, as the series
    /// does at mm_users 0, and that is not a violation.
    /// </summary>
    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Destroying_an_mm_that_still_has_vmas_records_no_violation(string backend, string config)
    {
        // 0123456789
        // AAAA FF SS   A private anon (anon_vma, bound), F private file, S shared anon
        var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap A");
        Assert.Equal(0, mm.Mbind(0, 4, MpolMode.Bind));
        Ok(mm.Fault(0, FaultFlags.Write), "fault A");
        Ok(mm.Fault(1), "fault A");
        var fd = mm.OpenFile(2);
        Ok(mm.MapFile(5, 2, RW, fd, 0), "mmap F");
        Ok(mm.MapSharedAnon(8, 2, RW), "mmap S");
        Ok(mm.Fault(8, FaultFlags.Write), "fault S");
        if (mm.Config.VmaRefs)
            Assert.Equal(0, mm.GetVma(P(5), out _, out _));
        Assert.Equal(0, mm.Validate());

        var violations = mm.Destroy();

        Assert.True(violations.Count == 0, $"{backend}/{config} teardown recorded:\n{string.Join('\n', violations)}");
        Assert.Empty(mm.Destroy());
    }

    /// <summary>
    /// A test-only leak (tb_debug_leak_file: a file reference nothing drops) makes the
    /// teardown record a violation; it reaches the caller, tagged with the exit operation (the
    /// native backend reads it back from the library's global log, where both backends put it).
    /// </summary>
    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_violation_during_teardown_reaches_the_caller(string backend, string config)
    {
        var mm = Create(backend, config);
        var fd = mm.OpenFile(1);
        Ok(mm.MapFile(0, 1, R, fd, 0), "mmap");
        Assert.Equal(0, mm.DebugLeakFile(fd));
        Assert.Equal(-Errno.EBADF, mm.DebugLeakFile(fd + 1));
        Assert.Empty(mm.Violations());

        var violation = Assert.Single(mm.Destroy());

        Assert.Equal(OpKind.Exit, violation.Op);
        Assert.Contains("mm exit: 1 objects of cache 2 leaked", violation.Message);
    }
}
