// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Cli.Commands;

/// <summary>Checks a report folder before any run, so a bad --out costs nothing.</summary>
internal static class OutputFolder
{
    /// <summary>Creates <paramref name="folder"/> if needed and writes a probe file; null when writable, else why not.</summary>
    public static string? Check(DirectoryInfo folder)
    {
        var probe = Path.Combine(folder.FullName, $".testbed-probe-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(folder.FullName);
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return $"--out {folder.FullName}: not a writable folder ({e.Message})";
        }
    }
}
