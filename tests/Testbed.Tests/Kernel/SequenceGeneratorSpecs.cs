// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Kernel;
using Xunit;

namespace Testbed.Tests.Kernel;

public sealed class SequenceGeneratorSpecs
{
    [Fact]
    public void The_same_seed_gives_the_same_guest_input_and_another_seed_does_not()
    {
        var a = new SequenceGenerator(new SequenceOptions().WithSeed(42).WithSequences(20)).Generate().ToGuestInput();
        var b = new SequenceGenerator(new SequenceOptions().WithSeed(42).WithSequences(20)).Generate().ToGuestInput();
        var c = new SequenceGenerator(new SequenceOptions().WithSeed(43).WithSequences(20)).Generate().ToGuestInput();

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void A_sequence_generated_alone_equals_its_place_in_the_batch_so_it_can_be_replayed()
    {
        var gen = new SequenceGenerator(new SequenceOptions().WithSeed(9).WithSequences(30));
        var batch = gen.Generate();

        Assert.Equal(batch.Sequences[17].Ops, gen.Generate(17).Ops);
    }

    [Fact]
    public void Every_operation_stays_inside_the_window_and_the_mix_covers_every_kind()
    {
        var options = new SequenceOptions().WithSeed(5).WithSequences(100).WithOpsPerSequence(20);
        var batch = new SequenceGenerator(options).Generate();
        var steps = batch.Sequences.SelectMany(s => s.Ops).ToList();
        var ops = steps.Where(s => s.Race is null).Select(s => s.Op).ToList();

        Assert.Equal(2000, steps.Count);
        // only a touch below a MAP_GROWSDOWN mapping leaves the window: at most RLIMIT_STACK and a page below its end, which lies above the window's first page
        Assert.All(steps.Where(s => s.Op.Kind != OpKind.Fault), s => Assert.InRange(s.Op.Addr, batch.WindowBase, batch.WindowEnd - 1));
        Assert.All(steps, s => Assert.InRange(s.Op.Addr, batch.WindowBase - SequenceGenerator.RlimitStack, batch.WindowEnd - 1));
        Assert.Contains(ops, op => op.Kind == OpKind.Fault && op.Addr < batch.WindowBase);
        Assert.All(steps, s => Assert.True(s.Op.Addr + s.Op.Len <= batch.WindowEnd + 0x1000, s.ToString()));
        foreach (var kind in new[] { OpKind.Mmap, OpKind.Munmap, OpKind.Mprotect, OpKind.Fault, OpKind.Mbind })
            Assert.Contains(ops, op => op.Kind == kind);
        Assert.Contains(steps, s => s.Race is not null);
        Assert.Contains(ops, op => op.Kind == OpKind.Fault && ((FaultFlags)op.Flags).HasFlag(FaultFlags.Write));
        Assert.Contains(ops, op => op.Kind == OpKind.Fault && !((FaultFlags)op.Flags).HasFlag(FaultFlags.Write));
        Assert.Contains(ops, op => op.Kind == OpKind.Mmap && op.Fd >= 0 && Flags(op).HasFlag(MapFlags.Shared));
        Assert.Contains(ops, op => op.Kind == OpKind.Mmap && op.Fd >= 0 && Flags(op).HasFlag(MapFlags.Private));
        Assert.Contains(ops, op => op.Kind == OpKind.Mmap && op.Fd < 0 && Flags(op).HasFlag(MapFlags.Shared));
        Assert.Contains(ops, op => op.Kind == OpKind.Mmap && !Flags(op).HasFlag(MapFlags.Fixed));
        Assert.Contains(ops, op => op.Kind == OpKind.Mmap && Flags(op).HasFlag(MapFlags.Growsdown));
        foreach (var mode in Enum.GetValues<MpolMode>())
            Assert.Contains(ops, op => op.Kind == OpKind.Mbind && (MpolMode)op.Flags == mode && op.Len > 0);
    }

    [Fact]
    public void Fork_moves_fork_over_one_to_four_pages_after_madvise_in_every_fork_behaviour()
    {
        var batch = new SequenceGenerator(new SequenceOptions().WithSeed(5).WithSequences(400).WithOpsPerSequence(20)).Generate();
        var ops = batch.Sequences.SelectMany(s => s.Ops).Select(s => s.Op).ToList();

        var forks = ops.Where(op => op.Kind == OpKind.Fork).ToList();
        Assert.InRange(forks.Count, ops.Count / 100, ops.Count / 20);
        Assert.All(forks, op => Assert.InRange(op.Len, 0x1000UL, 0x4000UL));
        Assert.All(forks, op => Assert.InRange(op.Addr, batch.WindowBase, batch.WindowEnd - op.Len));
        foreach (var advice in Enum.GetValues<MadviseAdvice>())
            Assert.Contains(ops, op => op.Kind == OpKind.Madvise && (MadviseAdvice)op.Flags == advice);
        Assert.Contains(batch.ToGuestInput().Split('\n'), line => line.StartsWith("fork 0x", StringComparison.Ordinal));
    }

    private static MapFlags Flags(Operation op) => (MapFlags)op.Flags;
}
