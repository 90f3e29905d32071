// SPDX-License-Identifier: GPL-2.0-only
using System.Security.Cryptography;
using System.Text;
using Testbed.Harness.Worker;

namespace Testbed.Harness.Mutants;

/// <summary>
/// Builds the model's libraries from a patched copy of native/ (<c>make -C native patched</c>,
/// native/patched.mk; the sources are copied and patched with <c>patch -p1 --fuzz=0</c> by
/// native/patch-tree.sh, never in place). The catalog's native mutants are built this way
/// (<see cref="Mutant.Directory"/>), and so are the user's <c>--model-patch</c> files, cached
/// as kernel builds are: under build/native/model-patches/KEY/FLAVOUR, KEY from the patches'
/// contents in order, so a second run with the same patches only runs make's up-to-date check.
/// </summary>
public static class ModelPatchBuild
{
    private const string TreePrefix = "patch-tree: ";

    /// <summary>The cache key of <paramref name="patches"/>: the first 16 hex digits of a SHA-256 over their contents, in order.</summary>
    public static string Key(IReadOnlyList<string> patches)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var patch in patches)
        {
            var bytes = File.ReadAllBytes(patch);
            sha.AppendData(Encoding.ASCII.GetBytes($"patch {bytes.Length}\n"));
            sha.AppendData(bytes);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    /// <summary>Where the libraries of <paramref name="patches"/> in <paramref name="flavour"/> are built under <paramref name="root"/>.</summary>
    public static string CacheDirectory(string root, IReadOnlyList<string> patches, string flavour) =>
        Path.Combine(root, "build", "native", "model-patches", Key(patches), flavour);

    /// <summary>
    /// Builds libtestbed-&lt;config&gt;.so of each of <paramref name="configs"/> in
    /// <paramref name="flavour"/> (release, asan or perf; asan also builds an mmu config's stress
    /// driver) from native/ under <paramref name="root"/> with <paramref name="patches"/> applied
    /// in order, into <paramref name="directory"/> (make: only what changed).
    /// </summary>
    /// <exception cref="ModelPatchException">A patch does not apply (the message names the file and hunk) or the patched model does not build.</exception>
    public static void Build(string root, IReadOnlyList<string> patches, string directory, IEnumerable<string> configs, string flavour)
    {
        var copies = Path.Combine(directory, "patches");
        Directory.CreateDirectory(copies);
        // make splits PATCHES at spaces: it gets copies at paths of its own making.
        var named = patches.Select((p, i) =>
        {
            var copy = Path.Combine(copies, $"{i:000}.patch");
            if (!File.Exists(copy) || !File.ReadAllBytes(copy).AsSpan().SequenceEqual(File.ReadAllBytes(p)))
                File.Copy(p, copy, overwrite: true);
            return (Original: p, Copy: copy);
        }).ToList();
        string[] args =
        [
            "-s", "-C", Path.Combine(root, "native"), "-j2", "patched",
            "PATCHES=" + string.Join(' ', named.Select(n => n.Copy)),
            "PATCHED_DIR=" + Path.GetFullPath(directory),
            "PATCHED_CONFIGS=" + string.Join(' ', configs),
            "PATCHED_FLAVOUR=" + flavour,
        ];
        var (rc, stderr) = Make(args);
        if (rc == 0)
            return;
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.LastOrDefault(l => l.StartsWith(TreePrefix, StringComparison.Ordinal)) is { } tree)
        {
            var message = tree[TreePrefix.Length..];
            foreach (var (original, copy) in named)
                message = message.Replace(copy, original, StringComparison.Ordinal);
            throw new ModelPatchException(message, applies: false);
        }
        var error = lines.FirstOrDefault(l => l.Contains("error:", StringComparison.Ordinal)) ?? lines.LastOrDefault() ?? $"make exit {rc}";
        throw new ModelPatchException($"the patched model does not build: {error}", applies: true);
    }

    private static (int Rc, string Stderr) Make(IEnumerable<string> args)
    {
        // make bounds itself: the model's sources compile in seconds
        var result = ChildProcess.Run("make", args, Timeout.InfiniteTimeSpan);
        return (result.ExitCode, result.Stderr);
    }
}
