// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// The transfers of one class of lines, per operation of the run, and the lock acquisitions on
/// them that found the lock taken and waited (<see cref="BlockedPerOp"/>, each acquisition once).
/// </summary>
public sealed record LineTransfers(string Line, int Lines, double PerOp, double BlockedPerOp);
