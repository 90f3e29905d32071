// SPDX-License-Identifier: GPL-2.0-only
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Testbed.Interop;

/// <summary>
/// Maps the library names of the generated bindings ("testbed-&lt;config&gt;") to
/// libtestbed-&lt;config&gt;.so next to this assembly, or in $TESTBED_NATIVE_DIR when that is set
/// (e.g. build/native/asan). Each config is its own library, so several load side by side.
/// A flavour's bindings ("testbed-&lt;config&gt;+perf", e.g. <see cref="MmuSpfPerfApi"/>) load
/// from the flavour's folder, <c>perf/</c> next to this assembly or $TESTBED_NATIVE_DIR_PERF,
/// so the perf and the checked library of one config load side by side too.
/// </summary>
public static class NativeLibraryResolver
{
    /// <summary>The environment variable that overrides the folder the libraries are loaded from.</summary>
    public const string DirectoryVariable = "TESTBED_NATIVE_DIR";

    /// <summary>The command that builds the release libraries.</summary>
    public const string BuildCommand = "make -C native (or: dotnet build interop/Testbed.Interop)";

    private const string LibraryPrefix = "testbed-";

    // A library must install its resolver before its first P/Invoke, whoever the host is
    // (CLI, harness, test runner): a module initializer is the only hook that guarantees it.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

    /// <summary>The folder the libraries are loaded from.</summary>
    public static string Directory
    {
        get
        {
            var overridden = Environment.GetEnvironmentVariable(DirectoryVariable);
            if (!string.IsNullOrEmpty(overridden))
                return Path.GetFullPath(overridden);
            return Path.GetDirectoryName(typeof(NativeLibraryResolver).Assembly.Location) is { Length: > 0 } folder
                ? folder
                : AppContext.BaseDirectory;
        }
    }

    /// <summary>The environment variable that overrides the folder of <paramref name="flavour"/>'s libraries.</summary>
    public static string FlavourDirectoryVariable(string flavour) =>
        DirectoryVariable + "_" + flavour.ToUpperInvariant();

    /// <summary>The folder a flavour's libraries are loaded from: $TESTBED_NATIVE_DIR_&lt;FLAVOUR&gt;, else &lt;flavour&gt;/ next to this assembly.</summary>
    public static string FlavourDirectory(string flavour)
    {
        var overridden = Environment.GetEnvironmentVariable(FlavourDirectoryVariable(flavour));
        if (!string.IsNullOrEmpty(overridden))
            return Path.GetFullPath(overridden);
        var folder = Path.GetDirectoryName(typeof(NativeLibraryResolver).Assembly.Location) is { Length: > 0 } f
            ? f
            : AppContext.BaseDirectory;
        return Path.Combine(folder, flavour);
    }

    /// <summary>The folder of <paramref name="flavour"/>'s libraries, or <see cref="Directory"/> for null.</summary>
    public static string DirectoryOf(string? flavour) => flavour is null ? Directory : FlavourDirectory(flavour);

    /// <summary>The file a config is loaded from: &lt;Directory&gt;/libtestbed-&lt;config&gt;.so.</summary>
    public static string PathOf(string config) => PathOf(config, Directory);

    /// <summary>The file a config is loaded from when the libraries are in <paramref name="directory"/>.</summary>
    public static string PathOf(string config, string directory) =>
        Path.Combine(directory, $"lib{LibraryPrefix}{config}.so");

    /// <summary>
    /// Loads the library of <paramref name="config"/> from <paramref name="directory"/>; throws
    /// DllNotFoundException naming the path and the build command when the file is missing.
    /// </summary>
    public static nint Load(string config, string directory)
    {
        var path = PathOf(config, directory);
        if (!File.Exists(path))
        {
            throw new DllNotFoundException(
                $"native library {path} not found (config '{config}'); build it with `{BuildCommand}`, " +
                $"or point {DirectoryVariable} at a folder that has it");
        }
        return NativeLibrary.Load(path);
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!libraryName.StartsWith(LibraryPrefix, StringComparison.Ordinal))
            return 0;
        var name = libraryName[LibraryPrefix.Length..];
        var plus = name.IndexOf('+', StringComparison.Ordinal);
        return plus < 0
            ? Load(name, Directory)
            : Load(name[..plus], FlavourDirectory(name[(plus + 1)..]));
    }
}
