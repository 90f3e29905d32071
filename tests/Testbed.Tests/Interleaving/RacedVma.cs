// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Managed;
using Testbed.Tests.Model;
using Xunit;

namespace Testbed.Tests.Interleaving;

/// <summary>
/// The VMA every forced interleaving races on (<see cref="SpeculativeFaultRaceSpecs"/>,
/// <see cref="DesignRaceSpecs"/>): the mm it lives in, how it is primed, and the checks of
/// what one raced fault left behind.
/// </summary>
internal static class RacedVma
{
    public const ulong Page = 4096;
    public const ulong Base = 0x300000000UL;
    public const int Pages = 4;

    /// <summary>Where the raced speculative fault goes (the first page is the primed one).</summary>
    public const ulong Raced = Base + Page;

    /// <summary>An mm of two threads (<see cref="ModelFixture.Create"/>): the lockless fault paths are tried only then.</summary>
    public static IAddressSpace Create(string backend, string config, ManagedOptions? options = null) =>
        ModelFixture.Create(backend, config, options: options);

    /// <summary>
    /// A private anonymous RW VMA of <see cref="Pages"/> pages with an anon_vma (one classic
    /// write fault on its first page), so a speculative fault on another page is not
    /// turned away as NO_ANON_VMA and really reaches the install.
    /// </summary>
    public static Stats Prime(IAddressSpace mm)
    {
        var addr = mm.Execute(Operation.Mmap(Base, Pages * Page, Prot.Read | Prot.Write,
            MapFlags.Fixed | MapFlags.Private | MapFlags.Anonymous));
        Assert.Equal((long)Base, addr);
        Assert.Equal((long)FaultResult.Classic,
            mm.Execute(Operation.Fault(Base, FaultFlags.Write | FaultFlags.NoSpeculative)));
        var vma = Assert.Single(mm.Snapshot());
        Assert.True(vma.HasAnonVma, "the classic write fault did not give the VMA an anon_vma");
        Assert.Equal(1u, vma.Populated);
        var stats = mm.GetStats();
        Assert.Equal(1ul, stats.LiveVmas);
        Assert.Equal(1ul, stats.LiveAnonVmas);
        return stats;
    }

    /// <summary>The raced fault was tried without the lock once, aborted for <paramref name="reason"/> only, and went classic.</summary>
    public static void AssertAbortedOnce(Stats before, Stats after, SpfAbort reason, string replay)
    {
        var deltas = AbortCounters.Deltas(before, after);
        var expected = Enum.GetValues<SpfAbort>().ToDictionary(r => r, r => r == reason ? 1ul : 0ul);
        Assert.True(expected.SequenceEqual(deltas),
            $"abort counters moved by {string.Join(", ", deltas.Select(kv => $"{kv.Key}={kv.Value}"))}, " +
            $"expected only {reason}=1; replay: {replay}");
        Assert.Equal(1ul, after.SpfAttempts - before.SpfAttempts);
        Assert.Equal(0ul, after.SpfSuccess - before.SpfSuccess);
        Assert.Equal(1ul, after.ClassicFaults - before.ClassicFaults);
    }

    /// <summary>validate finds nothing and no violation was recorded.</summary>
    public static void AssertHealthy(IAddressSpace mm, string replay)
    {
        var problems = mm.Validate();
        var violations = mm.Violations();
        Assert.True(problems == 0 && violations.Count == 0,
            $"{mm.Backend}/{mm.Config.Name}: validate {problems}, violations:\n{string.Join('\n', violations)}\nreplay: {replay}");
    }
}
