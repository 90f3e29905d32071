// SPDX-License-Identifier: GPL-2.0-only
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Testbed.BindGen.Clang;

/// <summary>
/// Loads libclang from the libclang.runtime.linux-x64 package. A framework-dependent build
/// copies the package's runtimes/linux-x64/native/libclang.so below the output folder and
/// lists it in deps.json, which the host turns into a native search path; that is tried first.
/// When this assembly is loaded by another host (a test runner whose deps.json lacks the
/// entry), the file is looked up below this assembly's folder and then in the NuGet cache.
/// </summary>
internal static class LibClangResolver
{
    private const string RuntimeRelativePath = "runtimes/linux-x64/native/libclang.so";

    [ModuleInitializer]
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(LibClangResolver).Assembly, Resolve);

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibClang.LibraryName)
            return 0;
        if (NativeLibrary.TryLoad(libraryName, assembly, searchPath, out var handle))
            return handle;
        foreach (var candidate in Candidates(assembly))
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out handle))
                return handle;
        }
        throw new DllNotFoundException(
            $"libclang not found: looked for {RuntimeRelativePath} next to {assembly.Location} and in the " +
            "NuGet cache (libclang.runtime.linux-x64 22.1.8); run `dotnet restore` for interop/Testbed.BindGen.");
    }

    private static IEnumerable<string> Candidates(Assembly assembly)
    {
        var folder = Path.GetDirectoryName(assembly.Location);
        if (!string.IsNullOrEmpty(folder))
        {
            yield return Path.Combine(folder, RuntimeRelativePath);
            yield return Path.Combine(folder, "libclang.so");
        }
        yield return Path.Combine(AppContext.BaseDirectory, RuntimeRelativePath);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ??
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        yield return Path.Combine(packages, "libclang.runtime.linux-x64", "22.1.8", RuntimeRelativePath);
    }
}
