// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>The transfers of one class of lines, per operation of the run.</summary>
public sealed record LineTransfers(string Line, int Lines, double PerOp);
