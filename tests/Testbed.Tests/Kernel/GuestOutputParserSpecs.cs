// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Kernel;
using Xunit;

namespace Testbed.Tests.Kernel;

public sealed class GuestOutputParserSpecs
{
    // Captured from a real guest run (host, 6.x), trimmed; the serial line adds \r and the
    // console may put other text around the records.
    private const string Captured =
        "SeaBIOS noise\r\n" +
        "@G window 0x100000000 64\r\n" +
        "@G seq 7\r\n" +
        "@G op 0 0 0 0\r\n" +
        "@G vma 100000000 100040000 ---p 0 anon\r\n" +
        "@G done 0\r\n" +
        "@G op 1 0x100020000 0 0\r\n" +
        "@G vma 100000000 100020000 ---p 0 anon\r\n" +
        "@G vma 100020000 100024000 rw-s 0 shm:48\r\n" +
        "@G vma 100024000 100028000 rw-s 0 shm:49\r\n" +
        "@G vma 100028000 100030000 rw-s 0 shm:48\r\n" +
        "@G vma 100030000 100034000 r--p 3000 file:1 bind:0\r\n" +
        "@G vma 100034000 100040000 ---p 0 anon\r\n" +
        "@G done 1\r\n" +
        "[   3.1] some kernel message\r\n" +
        "@G op 2 -13 11 2\r\n" +
        "@G same 2\r\n" +
        "@G op 3 0 0 0\r\n" +
        "@G race 3 4000 3000 700 290 0 10 1500\r\n" +
        "@G vma 100000000 100040000 ---p 0 anon\r\n" +
        "@G done 3\r\n" +
        "@G endseq 7\r\n" +
        "@G seq 8\r\n" +
        "@G op 0 0 0 0\r\n" +
        "@G vma 100000000 100040000 ---p 0 anon\r\n" +
        "@G done 0\r\n" +
        "@G fin 1 3 2500000\r\n";

    [Fact]
    public void Records_become_steps_with_results_signals_and_layouts()
    {
        var report = GuestOutputParser.Parse(Captured);

        Assert.Empty(report.Errors);
        Assert.Equal(0x100000000UL, report.WindowBase);
        Assert.Equal(64, report.WindowPages);
        var seq = report.Sequences[0];
        Assert.Equal(7, seq.Index);
        Assert.True(seq.Complete);
        Assert.Equal([0, 1, 2, 3], seq.Steps.Select(s => s.OpIndex));
        Assert.Equal(0x100020000L, seq.Steps[1].Result);
        Assert.Equal(-Errno.EACCES, seq.Steps[2].Result);
        Assert.Equal((11, 2), (seq.Steps[2].Signal, seq.Steps[2].SigCode));
    }

    [Fact]
    public void Shared_anonymous_files_are_numbered_by_first_appearance_so_both_sides_name_them_alike()
    {
        var layout = GuestOutputParser.Parse(Captured).Sequences[0].Steps[1].Layout;

        Assert.Equal(["anon", "shm#0", "shm#1", "shm#0", "file:1", "anon"], layout.Select(v => v.Backing));
        Assert.Equal(new KernelVma(0x100030000, 0x100034000, "r--p", 0x3000, "file:1", "bind:0"), layout[4]);
        Assert.Equal(KernelVma.DefaultPolicy, layout[0].Policy); // a record without the policy field (older guests)
    }

    [Fact]
    public void A_same_record_repeats_the_previous_layout()
    {
        var steps = GuestOutputParser.Parse(Captured).Sequences[0].Steps;

        Assert.Equal(steps[1].Layout, steps[2].Layout);
        Assert.Single(steps[3].Layout);
    }

    [Fact]
    public void Race_counts_are_attached_to_their_step_and_unexpected_faults_make_it_unclean()
    {
        var race = GuestOutputParser.Parse(Captured).Sequences[0].Steps[3].Race;

        Assert.NotNull(race);
        Assert.Equal(new RaceCounts(4000, 3000, 700, 290, 0, 10, 1500), race);
        Assert.False(race.Clean);
    }

    [Fact]
    public void Output_that_ends_inside_a_sequence_marks_it_incomplete()
    {
        var report = GuestOutputParser.Parse(Captured);

        Assert.False(report.Sequences[1].Complete);
        Assert.True(report.Finished);
        Assert.Equal(TimeSpan.FromSeconds(2.5), report.GuestTime);
    }

    // A fork step as the guest prints it: the child's records come first (it ran before the
    // parent went on), then the parent's result, its reads, and its layout.
    private const string Fork =
        "@G seq 3\n" +
        "@G op 0 0 0 0\n" +
        "@G vma 100000000 100020000 ---p 0 anon\n" +
        "@G done 0\n" +
        "@G cvma 100000000 100001000 rw-p 0 anon default\n" +
        "@G cvma 100002000 100020000 ---p 0 anon default\n" +
        "@G cdone 1\n" +
        "@G cpage 1 0x100000000 0 7 0\n" +
        "@G cpage 1 0x100001000 -14 -1 -14\n" +
        "@G op 1 0 0 0\n" +
        "@G fpage 1 0x100000000 0 7 0 7\n" +
        "@G fpage 1 0x100001000 0 1 0 1\n" +
        "@G same 1\n" +
        "@G endseq 3\n";

    [Fact]
    public void A_fork_step_carries_the_childs_layout_and_each_pages_reads_and_writes()
    {
        var report = GuestOutputParser.Parse(Fork);

        Assert.Empty(report.Errors);
        var steps = report.Sequences[0].Steps;
        Assert.Null(steps[0].Fork);
        var fork = steps[1].Fork;
        Assert.NotNull(fork);
        Assert.Equal([new KernelVma(0x100000000, 0x100001000, "rw-p", 0, "anon"), new KernelVma(0x100002000, 0x100020000, "---p", 0, "anon")],
            fork.ChildLayout);
        Assert.Equal(new ForkPage(0x100000000, 0, 7, 0, 7, 0, 0, 7), fork.Pages[0]);
        Assert.Equal(new ForkPage(0x100001000, 0, 1, -Errno.EFAULT, -1, -Errno.EFAULT, 0, 1), fork.Pages[1]);
        Assert.Equal(steps[0].Layout, steps[1].Layout);
    }

    [Fact]
    public void A_parents_page_without_the_childs_is_an_error()
    {
        var report = GuestOutputParser.Parse(Fork.Replace("@G cpage 1 0x100001000 -14 -1 -14\n", ""));

        Assert.Contains(report.Errors, e => e.Contains("without the child's", StringComparison.Ordinal));
    }

    [Fact]
    public void A_malformed_record_is_reported_not_skipped()
    {
        var report = GuestOutputParser.Parse("@G seq 1\n@G op 0 zz 0 0\n@G vma 1 2\n@G error 4 bad number 'q'\n");

        Assert.Equal(3, report.Errors.Count);
        Assert.Contains(report.Errors, e => e.Contains("bad number 'zz'", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.StartsWith("guest:", StringComparison.Ordinal));
    }

    [Fact]
    public void Per_vma_lock_statistics_are_summed_over_the_race_steps_and_absent_without_them()
    {
        var withStats = Captured.Replace("@G race 3 4000 3000 700 290 0 10 1500\r\n",
            "@G race 3 4000 3000 700 290 0 10 1500\r\n@G vmalock 3 3900 60 30 10\r\n", StringComparison.Ordinal)
            .Replace("@G done 0\r\n@G fin", "@G done 0\r\n@G op 1 0 0 0\r\n@G race 1 10 10 0 0 0 0 5\r\n" +
                "@G vmalock 1 5 1 2 3\r\n@G same 1\r\n@G fin", StringComparison.Ordinal);

        var report = GuestOutputParser.Parse(withStats);

        Assert.Empty(report.Errors);
        Assert.Equal(new VmaLockCounts(3905, 61, 32, 13, 2), report.VmaLock);
        Assert.Null(GuestOutputParser.Parse(Captured).VmaLock);
        Assert.Single(GuestOutputParser.Parse("@G vmalock 3 1 2 3\n").Errors);
    }
}
