// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json.Nodes;

namespace Testbed.Harness.Sharding;

/// <summary>
/// One unit of a sweep (a seed, a sequence, a schedule, a mutant) and what it gave.
/// <see cref="Result"/> is a pure function of the sweep's parameters and <see cref="Index"/>:
/// the report is built from it, and a merge must reproduce it exactly.
/// <see cref="Measured"/> holds what differs from run to run (seconds, counts of uncontrolled
/// threads' steps): reported, never compared.
/// </summary>
public sealed record SweepUnit(int Index, JsonObject Result, JsonObject? Measured = null);
