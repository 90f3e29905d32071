// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json.Serialization;

namespace Testbed.Harness.Concurrent;

/// <summary>
/// Source-generated System.Text.Json metadata for the worker's result line: the worker writes one
/// <see cref="RunResult"/> and <c>WorkerLauncher</c> reads it back, both through this context, in
/// the same camelCase shape as the reports.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(RunResult))]
public sealed partial class RunResultJsonContext : JsonSerializerContext;
