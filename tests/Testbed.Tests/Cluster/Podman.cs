// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Kernel;
using Testbed.Harness.Worker;

namespace Testbed.Tests.Cluster;

/// <summary>
/// Runs the repository's scripts under scripts/cluster/image/: podman with the testbed's settings
/// and image store (the <c>podman</c> wrapper), and the image build.
/// </summary>
internal static class Podman
{
    /// <summary>scripts/cluster/image/<paramref name="name"/>.</summary>
    public static string Script(string name) => Path.Combine(RepoPaths.Root(), "scripts", "cluster", "image", name);

    /// <summary>Runs <c>podman <paramref name="args"/></c>; kills it after <paramref name="timeout"/>.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, TimeSpan timeout) =>
        ExecAsync(Script("podman"), args, timeout);

    /// <summary>Runs a program in the repository's root; kills it after <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> ExecAsync(string program, IEnumerable<string> args, TimeSpan timeout)
    {
        var result = await ChildProcess.RunAsync(program, args, timeout, io: new ChildIo(WorkingDirectory: RepoPaths.Root()));
        if (result.TimedOut)
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not end within {timeout}");
        return (result.ExitCode, result.Stdout, result.Stderr);
    }
}
