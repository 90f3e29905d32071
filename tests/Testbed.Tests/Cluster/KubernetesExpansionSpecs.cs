// SPDX-License-Identifier: GPL-2.0-only
using Xunit;

namespace Testbed.Tests.Cluster;

/// <summary>The $(VAR) expansion the image specs apply to a manifest's command line, as Kubernetes does it.</summary>
public sealed class KubernetesExpansionSpecs
{
    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal)
    {
        ["JOB_COMPLETION_INDEX"] = "2",
        ["EMPTY"] = "",
    };

    [Theory]
    [InlineData("$(JOB_COMPLETION_INDEX)/4", "2/4")]
    [InlineData("/results/differential-$(JOB_COMPLETION_INDEX).json", "/results/differential-2.json")]
    [InlineData("a$(EMPTY)b", "ab")]
    [InlineData("$(UNDEFINED)/4", "$(UNDEFINED)/4")]
    [InlineData("$$(JOB_COMPLETION_INDEX)", "$(JOB_COMPLETION_INDEX)")]
    [InlineData("$$$(JOB_COMPLETION_INDEX)", "$2")]
    [InlineData("$HOME and $(", "$HOME and $(")]
    [InlineData("$(JOB_COMPLETION_INDEX", "$(JOB_COMPLETION_INDEX")]
    [InlineData("cost: 5$", "cost: 5$")]
    public void References_to_defined_variables_are_expanded_and_everything_else_is_kept(string text, string expanded) =>
        Assert.Equal(expanded, KubernetesExpansion.Expand(text, Environment));
}
