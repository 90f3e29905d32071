// SPDX-License-Identifier: GPL-2.0-only
using Testbed.TrxCount;
using Xunit;

namespace Testbed.Tests.Tools;

/// <summary>
/// The test command's counter (tools/Testbed.TrxCount): the TRX summary's counters, and the
/// discovered tests the TRX reports no result for counted as failed, by name.
/// </summary>
public sealed class TrxCounterSpecs
{
    // A TRX as `dotnet test --logger trx` writes it, cut down: one passed fact, one failed
    // one, one skipped one, two cases of a theory (one with entities in its name), and the
    // summary. Its counters say 5 tests, 4 executed.
    private const string Trx = """
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun id="1" name="run" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
            <UnitTestResult testId="a" testName="Ns.Specs.Passes" outcome="Passed" />
            <UnitTestResult testId="b" testName="Ns.Specs.Fails" outcome="Failed">
              <Output><ErrorInfo><Message>Assert.True() Failure &lt;Counters total="99"&gt;</Message></ErrorInfo></Output>
            </UnitTestResult>
            <UnitTestResult testId="c" testName="Ns.Specs.Skipped" outcome="NotExecuted" />
            <UnitTestResult testId="d" testName="Ns.Specs.Theory(config: &quot;mmu&quot;)" outcome="Passed" />
            <UnitTestResult testId="e" testName="Ns.Specs.Theory(config: &quot;mmu-spf&quot;)" outcome="Passed" />
          </Results>
          <ResultSummary outcome="Failed">
            <Counters total="5" executed="4" passed="3" failed="1" error="0" timeout="0" aborted="0" inconclusive="0" notExecuted="1" />
          </ResultSummary>
        </TestRun>
        """;

    private static readonly string[] Discovered =
    [
        "Ns.Specs.Passes",
        "Ns.Specs.Fails",
        "Ns.Specs.Skipped",
        "Ns.Specs.Theory",
        "Ns.Specs.Theory(config: \"mmu\")",
        "Ns.Specs.NeverRan",
        "Ns.Specs.TheoryThatNeverRan",
    ];

    [Fact]
    public void Passed_failed_and_skipped_come_from_the_summary_and_missing_tests_count_as_failed()
    {
        var counts = TrxCounter.Count(new StringReader(Trx), Discovered);

        Assert.Equal(3, counts.Passed);
        Assert.Equal(1, counts.Failed);
        Assert.Equal(1, counts.NotExecuted);
        Assert.Equal(["Ns.Specs.NeverRan", "Ns.Specs.TheoryThatNeverRan"], counts.NeverRan);
        Assert.Equal(3, counts.CountedFailed);
    }

    [Fact]
    public void A_failed_result_is_reported_with_its_message_and_only_a_failed_one()
    {
        var counts = TrxCounter.Count(new StringReader(Trx), Discovered);

        var failure = Assert.Single(counts.Failures);
        Assert.Equal("Ns.Specs.Fails", failure.Test);
        Assert.Equal("Assert.True() Failure <Counters total=\"99\">", failure.Message);
        Assert.Equal(["FAILED Ns.Specs.Fails", "    Assert.True() Failure <Counters total=\"99\">"], failure.Report(maxLines: 40));
    }

    [Fact]
    public void A_long_message_keeps_its_first_and_last_lines_and_says_how_many_it_left_out()
    {
        var failure = new TrxFailure("Ns.Specs.Fails", "one\ntwo\r\nthree\nfour\nfive");

        Assert.Equal(["FAILED Ns.Specs.Fails", "    one", "    ... (3 lines left out; the TRX has them all)", "    five"],
            failure.Report(maxLines: 2));
        Assert.Equal(5, failure.Report(maxLines: 5).Count() - 1);
    }

    [Fact]
    public void Without_a_trx_every_discovered_test_never_ran()
    {
        var counts = TrxCounter.Count(null, Discovered);

        Assert.Equal((0, 0, 0), (counts.Passed, counts.Failed, counts.NotExecuted));
        Assert.Equal(Discovered, counts.NeverRan);
        Assert.Empty(counts.Failures);
    }

    [Fact]
    public void A_theory_is_reported_by_its_cases_and_a_name_only_by_itself()
    {
        var counts = TrxCounter.Count(new StringReader(Trx), ["Ns.Specs.Theory", "Ns.Specs.Pass", "Ns.Specs"]);

        Assert.Equal(["Ns.Specs.Pass", "Ns.Specs"], counts.NeverRan);
    }

    [Fact]
    public void A_torn_trx_is_an_error_not_a_count()
    {
        var torn = Trx[..(Trx.Length / 2)];

        Assert.Throws<System.Xml.XmlException>(() => TrxCounter.Count(new StringReader(torn), Discovered));
    }
}
