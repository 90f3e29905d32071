// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json;
using Testbed.Harness.Files;

namespace Testbed.Harness.Simulation;

/// <summary>Reads and writes the calibration and the report (source-generated JSON, whole-or-nothing writes).</summary>
public static class SimulationFiles
{
    /// <summary>Writes <paramref name="calibration"/> to <paramref name="path"/>.</summary>
    public static void Write(Calibration calibration, string path) => AtomicFile.WriteAllText(path, Text(calibration));

    /// <summary><paramref name="calibration"/> as the file's text (what a sharded run's parameters fingerprint).</summary>
    public static string Text(Calibration calibration) => JsonSerializer.Serialize(calibration, SimulationJsonContext.Default.Calibration);

    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/>.</summary>
    public static void Write(SimulationReport report, string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(report, SimulationJsonContext.Default.SimulationReport));

    /// <summary>Reads a calibration written by <see cref="Write(Calibration, string)"/>.</summary>
    public static Calibration ReadCalibration(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), SimulationJsonContext.Default.Calibration)
        ?? throw new InvalidDataException($"{path}: empty calibration");
}
