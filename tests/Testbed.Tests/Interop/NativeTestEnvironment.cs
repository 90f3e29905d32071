// SPDX-License-Identifier: GPL-2.0-only
using Xunit;
using Testbed.BindGen;
using Testbed.Interop;

namespace Testbed.Tests.Interop;

/// <summary>Paths and settings shared by the interop tests.</summary>
internal static class NativeTestEnvironment
{
    /// <summary>The environment variable that fixes the seed of randomized tests.</summary>
    public const string SeedVariable = "TESTBED_SEED";

    /// <summary>The repository root (the folder holding Testbed.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The generator settings of the checked-in bindings.</summary>
    public static string ResponseFile => Path.Combine(RepoRoot, "interop", "Testbed.BindGen", "bindgen.rsp");

    /// <summary>The options of the checked-in bindings.</summary>
    public static GeneratorOptions CheckedInOptions() => GeneratorOptions.Parse(["@" + ResponseFile]);

    /// <summary>The header model as libclang sees it.</summary>
    public static HeaderModel Header { get; } = ParseHeader();

    /// <summary>The seed from $TESTBED_SEED, else a fresh one.</summary>
    public static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), out var seed) ? seed : Random.Shared.Next();

    /// <summary>The replay line printed with every randomized failure.</summary>
    public static string Replay(int seed, string filter) =>
        $"seed {seed}; replay: {SeedVariable}={seed} dotnet test tests/Testbed.Tests --filter \"FullyQualifiedName~{filter}\"";

    /// <summary>Fails (never skips) when a config's library is missing: CI builds it.</summary>
    public static void RequireLibrary(string config)
    {
        var path = NativeLibraryResolver.PathOf(config);
        Assert.True(File.Exists(path),
            $"native library {path} is missing; build it with `{NativeLibraryResolver.BuildCommand}`");
    }

    private static HeaderModel ParseHeader() => HeaderParser.Parse(CheckedInOptions());

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Testbed.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no Testbed.sln above {AppContext.BaseDirectory}");
    }
}
