// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json.Serialization;

namespace Testbed.Harness.Bench;

/// <summary>Source-generated JSON for <see cref="BenchReport"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BenchReport))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
