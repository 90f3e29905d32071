// SPDX-License-Identifier: GPL-2.0-only
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
        var ops = batch.Sequences.SelectMany(s => s.Ops).ToList();

        Assert.Equal(2000, ops.Count);
        Assert.All(ops, op => Assert.InRange(op.Addr, batch.WindowBase, batch.WindowEnd - 1));
        Assert.All(ops, op => Assert.True(op.Addr + op.Len <= batch.WindowEnd + 0x1000, op.ToString()));
        foreach (var kind in Enum.GetValues<KernelOpKind>())
            Assert.Contains(ops, op => op.Kind == kind);
        Assert.Contains(ops, op => op.Kind == KernelOpKind.Mmap && op.Slot >= 0 && op.Flags.HasFlag(Contract.MapFlags.Shared));
        Assert.Contains(ops, op => op.Kind == KernelOpKind.Mmap && op.Slot >= 0 && op.Flags.HasFlag(Contract.MapFlags.Private));
        Assert.Contains(ops, op => op.Kind == KernelOpKind.Mmap && op.Slot < 0 && op.Flags.HasFlag(Contract.MapFlags.Shared));
        Assert.Contains(ops, op => op.Kind == KernelOpKind.Mmap && !op.Flags.HasFlag(Contract.MapFlags.Fixed));
        foreach (var mode in Enum.GetValues<Contract.MpolMode>())
            Assert.Contains(ops, op => op.Kind == KernelOpKind.Mbind && op.Mode == mode && op.Len > 0);
    }
}
