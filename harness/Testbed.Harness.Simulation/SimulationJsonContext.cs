// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json.Serialization;

namespace Testbed.Harness.Simulation;

/// <summary>The calibration file's and the report's JSON (source-generated).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Calibration))]
[JsonSerializable(typeof(SimulationReport))]
[JsonSerializable(typeof(SimulationUnit))]
internal sealed partial class SimulationJsonContext : JsonSerializerContext;
