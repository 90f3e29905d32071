// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Kernel;
using Testbed.Harness.Workloads;
using Xunit;

namespace Testbed.Tests.Kernel;

/// <summary>The guest program on the host's own kernel: fast, no QEMU.</summary>
public sealed class HostGuestSpecs
{
    private const ulong W = 0x100000000;
    private const ulong P = 0x1000;
    private static readonly MapFlags AnonPrivFixed = MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed;

    [Fact]
    public async Task The_guest_reports_what_the_host_kernel_did_merges_splits_signals_and_files()
    {
        // window: 16 pages; file slot 0 is 2 pages long
        var ops = new WorkItem[]
        {
            Operation.Mmap(W, 2 * P, Prot.Read | Prot.Write, AnonPrivFixed),                        // 1
            Operation.Mmap(W + (2 * P), 2 * P, Prot.Read | Prot.Write, AnonPrivFixed),              // 2: merges
            Operation.Mprotect(W + P, P, Prot.Read),                                                // 3: splits in 3
            Operation.Fault(W + P, FaultFlags.Write),                                               // 4: SEGV_ACCERR
            Operation.Fault(W + (10 * P), FaultFlags.Read),                                         // 5: reservation
            Operation.Mmap(W + (8 * P), 4 * P, Prot.Read, MapFlags.Private | MapFlags.Fixed, 0, 0), // 6
            Operation.Fault(W + (9 * P), FaultFlags.Read),                                          // 7: in the file
            Operation.Fault(W + (11 * P), FaultFlags.Read),                                         // 8: past EOF: SIGBUS
            Operation.Mmap(W + (4 * P), P, Prot.Read | Prot.Write, MapFlags.Shared | MapFlags.Anonymous | MapFlags.Fixed), // 9
            Operation.Munmap(W + (14 * P), 2 * P),                                                  // 10: hole at the top
            Operation.Munmap(W + 0x800, P),                                                         // 11: -EINVAL
            Operation.Mprotect(W, 0, Prot.None),                                                    // 12: Linux: 0
            WorkItem.RaceOver(W + (11 * P), 3 * P, 2, 500),                                         // 13
        };
        var batch = new KernelBatch(W, 16, 0, [new KernelSequence(0, 0, [2 * P], ops)]);

        var run = await GuestRunner.RunOnHostAsync(batch);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Report.Errors);
        Assert.True(run.Report.Finished);
        var steps = Assert.Single(run.Report.Sequences).Steps;
        Assert.Equal(ops.Length + 1, steps.Count);
        Assert.Equal([new KernelVma(W, W + (16 * P), "---p", 0, "anon")], steps[0].Layout);
        Assert.Equal(new KernelVma(W, W + (4 * P), "rw-p", 0, "anon"), steps[2].Layout[0]);
        Assert.Equal(["rw-p", "r--p", "rw-p", "---p"], steps[3].Layout.Select(v => v.Perms));
        Assert.Equal(-Errno.EACCES, steps[4].Result);
        Assert.Equal(-Errno.EACCES, steps[5].Result);
        Assert.Contains(new KernelVma(W + (8 * P), W + (12 * P), "r--p", 0, "file:0"), steps[6].Layout);
        Assert.Equal(0, steps[7].Result);
        Assert.Equal((-5L, 7), (steps[8].Result, steps[8].Signal));
        Assert.Contains(new KernelVma(W + (4 * P), W + (5 * P), "rw-s", 0, "shm#0"), steps[9].Layout);
        Assert.Equal(W + (14 * P), steps[10].Layout[^1].End);
        Assert.Equal(-Errno.EINVAL, steps[11].Result);
        Assert.Equal(0, steps[12].Result);
        var race = steps[13].Race;
        Assert.NotNull(race);
        Assert.Equal(1000UL, race.Touches);
        Assert.True(race.Clean, race.ToString());
        Assert.Contains(new KernelVma(W + (11 * P), W + (14 * P), "---p", 0, "anon"), steps[13].Layout);
    }

    [Fact]
    public async Task A_generated_batch_runs_on_the_host_with_every_step_reported()
    {
        var batch = new SequenceGenerator(new SequenceOptions().WithSeed(3).WithSequences(50).WithOpsPerSequence(20)).Generate();

        var run = await GuestRunner.RunOnHostAsync(batch);

        Assert.Empty(run.Report.Errors);
        Assert.Equal(50, run.Report.FinishedSequences);
        Assert.All(run.Report.Sequences, s =>
        {
            Assert.True(s.Complete);
            Assert.Equal(Enumerable.Range(0, 21), s.Steps.Select(st => st.OpIndex));
            Assert.All(s.Steps, st => Assert.True(st.Race?.Clean ?? true, $"seed 3 sequence {s.Index} op {st.OpIndex}: {st.Race}"));
            // the window is always fully described: sorted, non-overlapping VMAs inside it
            Assert.All(s.Steps, st => Assert.True(
                st.Layout.Zip(st.Layout.Skip(1)).All(p => p.First.End <= p.Second.Start),
                $"seed 3 sequence {s.Index} op {st.OpIndex}"));
        });
    }
}
