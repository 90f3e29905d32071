// SPDX-License-Identifier: GPL-2.0-only
using Xunit;

namespace Testbed.Tests.Cluster;

/// <summary>
/// The container image, built once for the image specs by scripts/cluster/image/build-image.sh
/// (its Debian base layer is kept between builds; the CLI layer follows the sources).
/// </summary>
public sealed class ImageBuild : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    /// <summary>The image the build tagged (localhost/testbed:&lt;git short sha&gt;).</summary>
    public string Image { get; private set; } = "";

    /// <summary>What the build printed.</summary>
    public string Log { get; private set; } = "";

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        var (code, stdout, stderr) = await Podman.ExecAsync(Podman.Script("build-image.sh"), [], Timeout);
        Log = stderr + stdout;
        if (code != 0)
            throw new InvalidOperationException($"build-image.sh exited {code}:\n{Log}");
        Image = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
    }

    /// <inheritdoc/>
    public Task DisposeAsync() => Task.CompletedTask;
}
