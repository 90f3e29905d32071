// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Benchmarks;

/// <summary>
/// The address-space layout every fault and lookup benchmark runs on: <see cref="Regions"/>
/// MAP_FIXED anonymous private mappings of <see cref="RegionPages"/> pages, alternating
/// read-write and read-only so that no two neighbours merge (the tree really holds
/// <see cref="Regions"/> VMAs), and one populated page in each
/// read-write VMA. The <see cref="Targets"/> addresses are those populated pages, so a
/// fault on them takes the "page already present" exit of the fault path: what is
/// measured is the VMA lookup and locking protocol, not page allocation.
/// </summary>
public static class FaultLayout
{
    /// <summary>VMAs in the tree.</summary>
    public const int Regions = 128;

    /// <summary>Populated pages faulted by one benchmark invocation (one per read-write VMA).</summary>
    public const int Targets = Regions / 2;

    /// <summary>Pages per VMA.</summary>
    public const ulong RegionPages = 4;

    /// <summary>Where the first VMA starts (well inside [mmap_min_addr, TASK_SIZE)).</summary>
    public const ulong Base = 0x1_0000_0000;

    private const ulong PageSize = 4096;
    private const ulong RegionBytes = RegionPages * PageSize;

    /// <summary>The populated page of read-write VMA <paramref name="i"/>: its second page.</summary>
    public static ulong Target(int i) => Base + (ulong)(2 * i) * RegionBytes + PageSize;

    /// <summary>All <see cref="Targets"/> target addresses, in address order.</summary>
    public static ulong[] TargetAddresses()
    {
        var targets = new ulong[Targets];
        for (var i = 0; i < Targets; i++)
            targets[i] = Target(i);
        return targets;
    }

    /// <summary>The mmap operations that create the layout, in order.</summary>
    public static IEnumerable<Operation> Mappings()
    {
        for (var k = 0; k < Regions; k++)
        {
            var prot = k % 2 == 0 ? Prot.Read | Prot.Write : Prot.Read;
            yield return Operation.Mmap(Base + (ulong)k * RegionBytes, RegionBytes, prot,
                MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed);
        }
    }

    /// <summary>
    /// Builds the layout through <paramref name="execute"/> (any backend, or the raw bindings)
    /// and checks every result, so a broken backend throws here instead of being measured.
    /// </summary>
    public static void Build(Func<Operation, long> execute, string who)
    {
        foreach (var op in Mappings())
            Check.Equal((long)op.Addr, execute(op), $"{who}: {op}");
        foreach (var target in TargetAddresses())
        {
            var op = Operation.Fault(target, FaultFlags.Write);
            var result = execute(op);
            Check.True(result is (long)FaultResult.Speculative or (long)FaultResult.Classic,
                $"{who}: first {op} answered {result}");
        }
    }

    /// <summary>Builds the layout on <paramref name="space"/> and checks the tree and page table it produced.</summary>
    public static Stats Build(IAddressSpace space)
    {
        var who = $"{space.Backend} {space.Config.Name}";
        // One thread of a two-thread process: the series tries the speculative path only then.
        Check.Equal(0, space.SetThreads(2), $"{who}: SetThreads(2)");
        Build(op => space.Execute(op), who);
        var stats = space.GetStats();
        Check.Equal(Regions, (long)stats.MapCount, $"{who}: map_count after setup");
        Check.Equal(Targets, (long)stats.PopulatedPages, $"{who}: populated pages after setup");
        Check.Equal(0, space.Validate(), $"{who}: validate after setup");
        return stats;
    }

    /// <summary>
    /// Faults every target once with <paramref name="flags"/> and requires exactly
    /// <paramref name="expected"/> from each: the path a benchmark claims to measure is the one taken.
    /// </summary>
    public static void RequireFaultPath(IAddressSpace space, FaultFlags flags, FaultResult expected)
    {
        foreach (var target in TargetAddresses())
        {
            var result = space.Execute(Operation.Fault(target, flags));
            Check.Equal((long)expected, result,
                $"{space.Backend} {space.Config.Name}: fault(0x{target:x}, {flags}) should be {expected}");
        }
    }

    /// <summary>
    /// After a run: no fault since <paramref name="before"/> failed or fell back, the layout is
    /// unchanged and validate_mm finds nothing, so the numbers are those of successful faults.
    /// </summary>
    public static void RequireClean(IAddressSpace space, Stats before)
    {
        var who = $"{space.Backend} {space.Config.Name}";
        var after = space.GetStats();
        Check.Equal((long)before.Segv, (long)after.Segv, $"{who}: faults answered SIGSEGV during the run");
        Check.Equal((long)before.Fallbacks, (long)after.Fallbacks, $"{who}: speculative faults fell back during the run");
        Check.Equal(Regions, (long)after.MapCount, $"{who}: map_count after the run");
        Check.Equal(Targets, (long)after.PopulatedPages, $"{who}: populated pages after the run");
        Check.Equal(0, space.Validate(), $"{who}: validate after the run");
        Check.Equal(0, space.Violations().Count, $"{who}: violations recorded during the run");
    }
}
