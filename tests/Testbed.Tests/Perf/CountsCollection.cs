// SPDX-License-Identifier: GPL-2.0-only
using Xunit;

namespace Testbed.Tests.Perf;

/// <summary>
/// tb_counts sums every thread of the process: the specs that read it run alone, so no
/// other test's operations land in their counts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CountsCollection
{
    public const string Name = "counted costs";
}
