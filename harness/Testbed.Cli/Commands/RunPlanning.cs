// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Backends;
using Testbed.Interop;

namespace Testbed.Cli.Commands;

/// <summary>Picks the (backend, config) pairs a command runs, or says in one line why it cannot.</summary>
internal static class RunPlanning
{
    /// <summary>
    /// Every (backend, config) pair asked for, or null when one is not available here (its
    /// native library was not found): then one line on stderr names them and where the
    /// libraries are looked for, and the command exits <see cref="ExitCodes.Failed"/>. Skipping
    /// it instead would compare less than asked, or nothing, and still report clean.
    /// </summary>
    public static IReadOnlyList<(string Backend, string Config)>? Pairs(
        string command, AddressSpaceFactory factory, IEnumerable<string> backends, IEnumerable<string> configs)
    {
        var pairs = (from config in configs from backend in backends select (backend, config)).ToArray();
        var missing = pairs.Where(p => !factory.IsAvailable(p.backend, p.config)).Select(p => $"{p.backend}/{p.config}").ToArray();
        if (missing.Length == 0)
            return pairs;
        Console.Error.WriteLine(
            $"testbed {command}: could not complete: {string.Join(", ", missing)} not available here (no library in " +
            $"{NativeLibraryResolver.Directory}, set by {NativeLibraryResolver.DirectoryVariable}; build: {NativeLibraryResolver.BuildCommand})");
        return null;
    }
}
