// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// One thread alone on a point's path (<see cref="Simulator.Profile"/>), per operation kind
/// index: scheduling points per operation (how the model's own time is spread over the
/// operation's segments) and page events per operation (<see cref="VirtualTime.OnPage"/>: over
/// how many pages the kernel's added work is spread; 0 where the kind has none, and on the
/// native backend, which reports none), and the points per operation made from its first page
/// event on (<see cref="VirtualTime.PointsAfterPageByKind"/>: for munmap, its zap's).
/// </summary>
public sealed record OpProfile(IReadOnlyList<double> PointsPerOp, IReadOnlyList<double> PagesPerOp, IReadOnlyList<double> PointsAfterPagePerOp);
