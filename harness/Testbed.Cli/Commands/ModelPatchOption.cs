// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using Testbed.Harness.Kernel;
using Testbed.Harness.Mutants;
using Testbed.Interop;

namespace Testbed.Cli.Commands;

/// <summary>
/// <c>--model-patch FILE</c> (repeatable) of the commands that run the model: the native
/// libraries are built from a copy of native/ with the patches applied in order
/// (<see cref="ModelPatchBuild"/>, cached by the patches' contents) and loaded from there
/// (TESTBED_NATIVE_DIR, and TESTBED_NATIVE_DIR_PERF for the perf flavour), in this process and
/// the workers it starts. A patch that does not apply is a usage error naming the file and hunk.
/// </summary>
internal static class ModelPatchOption
{
    /// <summary>The option.</summary>
    public static Option<FileInfo[]> Create() => new Option<FileInfo[]>("--model-patch")
    {
        Description = "Run on the model with this patch applied (repeatable, applied in order; patch -p1 from the repository root, " +
            "as `git diff` writes it): the native libraries are built from a patched copy of native/, cached by the patches' contents.",
        Arity = ArgumentArity.ZeroOrMore,
    }.AcceptExistingOnly();

    /// <summary>
    /// Builds the patched libraries of <paramref name="configs"/> in each of
    /// <paramref name="flavours"/> and points the loader at them; null when there is nothing to
    /// do or it worked, else the exit code (usage: a patch does not apply or does not build).
    /// </summary>
    public static int? Apply(string command, FileInfo[]? patches, IEnumerable<string> configs, params string[] flavours)
    {
        if (patches is not { Length: > 0 })
            return null;
        var root = RepoPaths.Root();
        var files = patches.Select(p => p.FullName).ToList();
        var wanted = configs.Distinct(StringComparer.Ordinal).ToList();
        Console.Error.WriteLine($"{command}: a replay command below reruns this only with {string.Join(' ', files.Select(f => "--model-patch " + f))}");
        foreach (var flavour in flavours)
        {
            var directory = ModelPatchBuild.CacheDirectory(root, files, flavour);
            Console.Error.WriteLine($"{command}: model patched with {string.Join(", ", patches.Select(p => p.Name))}: {flavour} libraries in {directory}");
            try
            {
                ModelPatchBuild.Build(root, files, directory, wanted, flavour);
            }
            catch (ModelPatchException e)
            {
                Console.Error.WriteLine($"{command}: --model-patch: {e.Message}");
                return ExitCodes.Usage;
            }
            Environment.SetEnvironmentVariable(
                flavour == "release" ? NativeLibraryResolver.DirectoryVariable : NativeLibraryResolver.FlavourDirectoryVariable(flavour),
                directory);
        }
        return null;
    }
}
