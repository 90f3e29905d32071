// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// Where an operation's local work is charged, per kind index (<see cref="Simulator.Spread"/>):
/// <see cref="SegmentNs"/> in each segment between its scheduling points, and
/// <see cref="PageNs"/> at each page event (<see cref="VirtualTime.OnPage"/>), and
/// <see cref="ZapNs"/> at each page a munmap's zap clears: the model's own zap work, charged
/// there but not page work (no zone->lock or lru_lock hold takes it).
/// </summary>
public sealed record LocalSpread(IReadOnlyList<double> SegmentNs, IReadOnlyList<double> PageNs, IReadOnlyList<double> ZapNs);
