// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>Whether an anchor's predictions over its seeds have the published direction.</summary>
public enum SignVerdict
{
    /// <summary>Every seed's prediction lies on the published side of zero.</summary>
    Yes,

    /// <summary>Some seeds' predictions do and some do not: the range straddles zero, the simulation cannot tell the sign.</summary>
    Tie,

    /// <summary>No seed's prediction does.</summary>
    No,
}
