// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json.Serialization;

namespace Testbed.Harness.Simulation;

/// <summary>How the operating system numbers a machine's hardware threads (its CPUs).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CpuNumbering>))]
public enum CpuNumbering
{
    /// <summary>
    /// x86 Linux: CPU i is core i mod the machine's cores, cores in socket order, the second
    /// hardware thread of every core after all the first ones (CPU i and i + cores are siblings).
    /// </summary>
    CoresFirst,

    /// <summary>POWER Linux: the hardware threads of one core are consecutive CPUs (CPU i is on core i / threads per core).</summary>
    ThreadsOfACoreTogether,
}
