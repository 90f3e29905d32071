// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json;
using Testbed.Harness.Files;

namespace Testbed.Harness.Bench;

/// <summary>Writes and reads bench.json (source-generated System.Text.Json).</summary>
public static class BenchReportFile
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/>, indented, atomically (<see cref="AtomicFile"/>).</summary>
    public static void Write(BenchReport report, string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(report, BenchJsonContext.Default.BenchReport));

    /// <summary>Reads a report written by <see cref="Write"/>.</summary>
    public static BenchReport Read(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), BenchJsonContext.Default.BenchReport)
        ?? throw new InvalidDataException($"{path}: empty bench report");
}
