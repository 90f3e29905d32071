// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Kernel;

namespace Testbed.Cli.Commands;

/// <summary>`testbed kernel --build [--source SERIES] [--patch FILE]...`: builds the kernel, showing the build's progress on stderr.</summary>
internal static class KernelBuildCli
{
    /// <summary>" --build [--source 6.12] --patch A --patch B": the part of the replay command that rebuilds the same kernel.</summary>
    public static string ReplayArguments(string? source, IEnumerable<string> patches) =>
        " --build" + (source is null ? "" : $" --source {source}") + string.Concat(patches.Select(p => $" --patch {p}"));

    /// <summary>Builds (or takes from the cache) the image; on failure prints why and returns null.</summary>
    public static async Task<KernelImage?> BuildAsync(string? source, IReadOnlyList<string> patches, CancellationToken ct)
    {
        try
        {
            var image = await KernelBuilder.BuildAsync(patches, line => Console.Error.WriteLine(line), source, ct);
            Console.WriteLine(image.Cached
                ? $"kernel: {image.Path} (cached, key {image.Key}, {image.Elapsed.TotalSeconds:F1} s)"
                : $"kernel: {image.Path} (built in {image.Elapsed.TotalSeconds:F0} s, key {image.Key})");
            return image;
        }
        catch (KernelBuildException e)
        {
            Console.Error.WriteLine(e.Message);
            return null;
        }
    }
}
