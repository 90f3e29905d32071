// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.TrxCount;

/// <summary>
/// What one xunit run counts for: the TRX summary's passed and failed, the tests it did not
/// execute (total - executed: skipped), the discovered tests it reports no result for, and
/// each failed result with its message.
/// </summary>
public sealed record TrxCounts(long Passed, long Failed, long NotExecuted, IReadOnlyList<string> NeverRan, IReadOnlyList<TrxFailure> Failures)
{
    /// <summary>The failures the test command counts: the failed results and the tests that never ran.</summary>
    public long CountedFailed => Failed + NeverRan.Count;
}
