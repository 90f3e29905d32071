// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Worker;

namespace Testbed.Harness.Kernel;

/// <summary>
/// Builds a minimal x86-64 kernel for the QEMU hooks from Debian's linux-source-SERIES (6.1
/// unless a source series is given, e.g. 6.12) with the given patches, through scripts/kernel/build-kernel.sh (tinyconfig + scripts/kernel/testbed.config,
/// images cached under build/kernel/images/KEY keyed by source version, config, compiler and
/// patch contents).
/// </summary>
public static class KernelBuilder
{
    private const string Prefix = "build-kernel: ";

    /// <summary>scripts/kernel/build-kernel.sh under <paramref name="root"/>.</summary>
    public static string Script(string root) => Path.Combine(root, "scripts", "kernel", "build-kernel.sh");

    /// <summary>
    /// Builds (or finds in the cache) the image for <paramref name="patches"/>, applied in order
    /// to linux-source-<paramref name="source"/> (null: the script's default, 6.1). Every
    /// progress line of the script goes to <paramref name="progress"/>.
    /// </summary>
    /// <exception cref="KernelBuildException">A patch does not apply, the config misses an option, or make fails.</exception>
    public static async Task<KernelImage> BuildAsync(IReadOnlyList<string> patches, Action<string>? progress = null,
        string? source = null, CancellationToken ct = default)
    {
        var result = await ChildProcess.RunAsync(Script(RepoPaths.Root()), Arguments(source, patches), Timeout.InfiniteTimeSpan,
            io: new ChildIo(StderrLine: progress), cancellationToken: ct);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (result.ExitCode != 0)
            throw new KernelBuildException(FailureMessage(lines, result.ExitCode), string.Join('\n', lines));

        var path = result.Stdout.TrimEnd().Split('\n')[^1];
        var cached = lines.Any(l => l.StartsWith(Prefix + "cached:", StringComparison.Ordinal));
        return new KernelImage(path, Path.GetFileName(Path.GetDirectoryName(path)!), cached, result.Elapsed);
    }

    /// <summary>The cache key the script computes for <paramref name="patches"/> on <paramref name="source"/> (nothing is built).</summary>
    public static async Task<string> KeyAsync(IReadOnlyList<string> patches, string? source = null, CancellationToken ct = default)
    {
        var result = await ChildProcess.RunAsync(Script(RepoPaths.Root()), [.. Arguments(source, patches), "--key"], Timeout.InfiniteTimeSpan,
            cancellationToken: ct);
        if (result.ExitCode != 0)
            throw new KernelBuildException($"build-kernel.sh --key failed ({result.ExitCode}): {result.Stderr}", result.Stderr);
        return result.Stdout.Trim();
    }

    private static IEnumerable<string> Arguments(string? source, IReadOnlyList<string> patches) =>
        (source is null ? [] : new[] { "--source", source }).Concat(patches.SelectMany(p => new[] { "--patch", Path.GetFullPath(p) }));

    /// <summary>The script's own last error line ("patch X does not apply: mm/mmap.c: Hunk #1 FAILED at 922"), else the tail.</summary>
    private static string FailureMessage(IReadOnlyList<string> lines, int exitCode)
    {
        var last = lines.LastOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        return last is not null
            ? $"kernel build failed: {last[Prefix.Length..]}"
            : $"kernel build failed ({exitCode}): {string.Join('\n', lines.TakeLast(20))}";
    }
}
