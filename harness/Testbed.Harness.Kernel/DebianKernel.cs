// SPDX-License-Identifier: GPL-2.0-only
using System.Text.RegularExpressions;
using Testbed.Harness.Worker;

namespace Testbed.Harness.Kernel;

/// <summary>
/// Debian's kernel image of a series (6.1, 6.12), through scripts/qemu/debian-kernel.sh: 6.1 from
/// /boot, any other series fetched once with apt-get download of linux-image-SERIES-amd64's
/// package and unpacked (vmlinuz and config only) under build/kernel/debian/, never installed.
/// </summary>
public static partial class DebianKernel
{
    /// <summary>Whether <paramref name="series"/> has the MAJOR.MINOR form the script takes.</summary>
    public static bool IsSeries(string series) => SeriesRegex().IsMatch(series);

    /// <summary>The image's path; fetches it when it is not there yet.</summary>
    /// <exception cref="InvalidOperationException">No such series, or apt cannot get it (the script says why).</exception>
    public static async Task<string> ResolveAsync(string series, CancellationToken ct = default)
    {
        var script = Path.Combine(RepoPaths.QemuScripts(RepoPaths.Root()), "debian-kernel.sh");
        var result = await ChildProcess.RunCheckedAsync($"debian-kernel.sh {series}", script, [series], Timeout.InfiniteTimeSpan,
            cancellationToken: ct);
        return result.Stdout.TrimEnd().Split('\n')[^1];
    }

    [GeneratedRegex(@"^[0-9]+\.[0-9]+$")]
    private static partial Regex SeriesRegex();
}
