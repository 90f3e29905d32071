// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Kernel;
using Testbed.Harness.Scheduling;
using Testbed.Tests.Interleaving;
using Xunit;

namespace Testbed.Tests.Kernel;

/// <summary>
/// The model's side of the per-VMA lock statistics comparison: the guest's race step replayed
/// on mmu-pvl under a seeded schedule (<see cref="LockStatRace"/>), its faults sorted into
/// 6.12's counters (<see cref="ModelVmaLockCounts"/>).
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class LockStatRaceSpecs
{
    private const ulong W = RegressionSequences.W;
    private const ulong P = RegressionSequences.P;

    /// <summary>A race step as the generator makes them: 2 threads x 200 touches over 6 pages (4 inner).</summary>
    private static readonly GuestRace Race = new(0, 5, 2, 200, W + (4 * P), 6 * P);

    [Theory]
    [InlineData(AddressSpaceFactory.Native)]
    [InlineData(AddressSpaceFactory.Managed)]
    public void A_schedule_seed_gives_the_same_counts_and_every_fault_counts_once(string backend)
    {
        var first = Run(backend, 11);
        var again = Run(backend, 11);

        Assert.Equal(first, again);
        var counts = ModelVmaLockCounts.FromStats(first);
        // each fault is exactly one of success, abort and "no anon_vma"; a miss is also an abort
        Assert.Equal(counts.Faults, counts.Success + counts.Abort + counts.NoAnonVma);
        Assert.True(counts.Miss <= counts.Abort);
        Assert.Equal(first.Faults, counts.Faults);
        // the race meets every kind the comparison needs: handled, holes and write-locked VMAs, new VMAs
        Assert.True(counts.Success > 0 && counts.Abort > 0 && counts.NoAnonVma > 0, counts.ToString());
        Assert.True(first.SpfAbortNoVma > 0 && first.SpfAbortSeqOdd > 0, $"no_vma {first.SpfAbortNoVma}, seq_odd {first.SpfAbortSeqOdd}");
        // touches fault only where the page tables would: far fewer faults than touches
        Assert.InRange(counts.Faults, 1UL, 2UL * 200 - 1);
    }

    /// <summary>
    /// The guest's streams are the model's: run alone, the main thread's calls of a race step
    /// succeed exactly as many times as the guest's REMAPS says (mprotect of an unmapped page
    /// fails; the order of the calls decides which), on the host kernel.
    /// </summary>
    [Fact]
    public async Task The_main_threads_calls_are_the_guests_own()
    {
        var batch = new SequenceGenerator(new SequenceOptions().WithSeed(2).WithSequences(60)).Generate();
        var races = GuestRace.Of(batch);
        Assert.NotEmpty(races);
        var run = await GuestRunner.RunOnHostAsync(batch);
        Assert.Empty(run.Report.Errors);

        foreach (var race in races)
        {
            var guest = run.Report.Sequences.Single(s => s.Index == race.Sequence).Steps[race.OpIndex].Race;
            Assert.NotNull(guest);
            using var mm = AddressSpaceFactory.Default.Create(AddressSpaceFactory.Native, "mmu-pvl");
            foreach (var op in race.Setup())
                Assert.True(mm.Execute(op) >= 0);
            var ok = race.MainOps().Count(op => mm.Execute(op) >= 0);
            Assert.Equal(guest.Remaps, (ulong)ok);
            Assert.Equal((ulong)(race.Threads * race.Iterations), guest.Touches);
            Assert.All(Enumerable.Range(0, race.Threads).SelectMany(race.Touches),
                t => Assert.InRange(t.Addr, race.InnerStart, race.InnerStart + (race.InnerPages * P) - 1));
        }
    }

    [Fact]
    public void A_path_6_12_counts_otherwise_is_refused()
    {
        var stats = new Stats { SpfAttempts = 3, SpfSuccess = 2, SpfAbortNotAnon = 1 };

        var e = Assert.Throws<InvalidOperationException>(() => ModelVmaLockCounts.FromStats(stats));
        Assert.Contains("not anon 1", e.Message);
    }

    private static Stats Run(string backend, ulong seed) =>
        LockStatRace.Run(AddressSpaceFactory.Default, backend, "mmu-pvl", Race.Setup(),
            [.. Enumerable.Range(0, Race.Threads).Select(Race.Touches)], Race.MainOps(), seed);
}
