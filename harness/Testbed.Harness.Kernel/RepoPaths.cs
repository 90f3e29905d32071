// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Kernel;

/// <summary>Finds the repository's guest sources and QEMU scripts from wherever the harness runs.</summary>
public static class RepoPaths
{
    /// <summary>
    /// The repository root: the first directory above the current one or the assembly's that
    /// holds native/guest/guest.c; the TESTBED_ROOT environment variable overrides the search (the
    /// container image sets it to a tree with the built guest and scripts/qemu only).
    /// </summary>
    public static string Root()
    {
        var env = Environment.GetEnvironmentVariable("TESTBED_ROOT");
        if (!string.IsNullOrEmpty(env))
            return env;
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "native", "guest", "guest.c")))
                    return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("cannot find the repository (native/guest/guest.c); set TESTBED_ROOT");
    }

    /// <summary>Whether <paramref name="root"/> holds the guest's sources (native/guest/guest.c), to build it from.</summary>
    public static bool HasGuestSources(string root) => File.Exists(Path.Combine(GuestDir(root), "guest.c"));

    /// <summary>native/guest.</summary>
    public static string GuestDir(string root) => Path.Combine(root, "native", "guest");

    /// <summary>The built guest program.</summary>
    public static string GuestBinary(string root) => Path.Combine(GuestDir(root), "out", "guest");

    /// <summary>scripts/qemu.</summary>
    public static string QemuScripts(string root) => Path.Combine(root, "scripts", "qemu");
}
