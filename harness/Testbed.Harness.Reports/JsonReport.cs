// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json;
using Testbed.Harness.Files;

namespace Testbed.Harness.Reports;

/// <summary>Writes and reads the machine-readable report (source-generated System.Text.Json).</summary>
public static class JsonReport
{
    private static readonly JsonSerializerOptions Indented = new(ReportJsonContext.Default.Options) { WriteIndented = true };

    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/>, indented, atomically (<see cref="AtomicFile"/>).</summary>
    public static void Write(CompareReport report, string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(report, Indented.GetTypeInfo(typeof(CompareReport))));

    /// <summary>Reads a report written by <see cref="Write"/>.</summary>
    public static CompareReport Read(string path) =>
        (CompareReport?)JsonSerializer.Deserialize(File.ReadAllText(path), Indented.GetTypeInfo(typeof(CompareReport)))
        ?? throw new InvalidDataException($"{path}: empty report");
}
