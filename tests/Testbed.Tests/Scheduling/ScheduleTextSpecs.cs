// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Scheduling;
using Xunit;

namespace Testbed.Tests.Scheduling;

/// <summary>The printable schedule: round trip, and a clear error for each malformed form.</summary>
public sealed class ScheduleTextSpecs
{
    [Theory]
    [InlineData("2:")]
    [InlineData("2:8>1")]
    [InlineData("3:2>2,3>1,40>0")]
    public void Prints_what_it_parses(string text)
    {
        var schedule = Schedule.Parse(text);
        Assert.Equal(text, schedule.ToString());
    }

    [Fact]
    public void Length_is_one_past_the_last_switch()
    {
        Assert.Equal(0, Schedule.Parse("2:").Length);
        Assert.Equal(15, Schedule.Parse("2:8>1,14>0").Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0:")]
    [InlineData("x:1>0")]
    [InlineData("2:1>2")]
    [InlineData("2:5>1,5>0")]
    [InlineData("2:5>1,3>0")]
    [InlineData("2:5-1")]
    public void Rejects_malformed_text(string text)
    {
        var e = Assert.Throws<FormatException>(() => Schedule.Parse(text));
        Assert.Contains("schedule", e.Message, StringComparison.Ordinal);
    }
}
