// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Tests.Interleaving;

/// <summary>What one forced interleaving produced.</summary>
/// <param name="FaultResult">The speculative-first fault's answer.</param>
/// <param name="WriterResult">The racing munmap/mprotect's answer.</param>
/// <param name="WhilePaused">The stats taken after the writer finished, with the fault still stopped.</param>
public sealed record SpfRaceOutcome(long FaultResult, long WriterResult, Stats WhilePaused);
