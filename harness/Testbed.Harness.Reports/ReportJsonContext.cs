// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json.Serialization;
using Testbed.Harness.Concurrent;

namespace Testbed.Harness.Reports;

/// <summary>Source-generated System.Text.Json metadata for the reports (the worker's result line has <see cref="RunResultJsonContext"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = false)]
[JsonSerializable(typeof(RunResult))]
[JsonSerializable(typeof(CompareReport))]
[JsonSerializable(typeof(IReadOnlyList<RunResult>))]
public sealed partial class ReportJsonContext : JsonSerializerContext;
