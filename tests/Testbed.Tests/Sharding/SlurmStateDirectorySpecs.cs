// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.Versioning;
using Testbed.Harness.Kernel;
using Testbed.Harness.Worker;
using Xunit;

namespace Testbed.Tests.Sharding;

/// <summary>
/// Where scripts/cluster/slurm/env.sh puts the one-node cluster's state: munged refuses a socket
/// below a directory that is not searchable by all (a 0700 home, a <c>mktemp -d</c> folder), so a
/// clone there gets a private directory under /run instead of its own build/cluster/slurm. The real
/// env.sh is sourced from a copy of the scripts placed in each kind of folder.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SlurmStateDirectorySpecs : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("testbed-slurm-state-").FullName;

    [Fact]
    public void A_clone_under_a_private_directory_keeps_its_cluster_under_run()
    {
        File.SetUnixFileMode(_parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var clone = PlaceScripts("clone");

        var (state, inRun) = StateOf(clone);

        Assert.Matches("^/run/testbed-slurm-[0-9a-f]{12}$", state);
        Assert.Equal("1", inRun);
        Assert.Equal(state, StateOf(clone).State);
        Assert.NotEqual(state, StateOf(PlaceScripts("other-clone")).State);
    }

    [Fact]
    public void A_clone_on_a_path_munged_accepts_keeps_its_cluster_in_build()
    {
        File.SetUnixFileMode(_parent, (UnixFileMode)Convert.ToInt32("755", 8));
        var clone = PlaceScripts("clone");

        var (state, inRun) = StateOf(clone);

        Assert.Equal(Path.Combine(clone, "build", "cluster", "slurm"), state);
        Assert.Equal("0", inRun);
    }

    [Fact]
    public void A_world_writable_directory_without_the_sticky_bit_is_refused_too()
    {
        File.SetUnixFileMode(_parent, (UnixFileMode)Convert.ToInt32("777", 8));
        var clone = PlaceScripts("clone");

        Assert.StartsWith("/run/testbed-slurm-", StateOf(clone).State);
    }

    [Fact]
    public void TESTBED_SLURM_STATE_wins()
    {
        File.SetUnixFileMode(_parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var clone = PlaceScripts("clone");

        Assert.Equal("/var/tmp/elsewhere", StateOf(clone, "/var/tmp/elsewhere").State);
    }

    public void Dispose()
    {
        File.SetUnixFileMode(_parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(_parent, recursive: true);
    }

    private string PlaceScripts(string name)
    {
        var slurm = Path.Combine(_parent, name, "scripts", "cluster", "slurm");
        Directory.CreateDirectory(slurm);
        File.Copy(Path.Combine(RepoPaths.Root(), "scripts", "cluster", "slurm", "env.sh"), Path.Combine(slurm, "env.sh"));
        return Path.Combine(_parent, name);
    }

    private static (string State, string InRun) StateOf(string clone, string? stateVariable = null)
    {
        var environment = stateVariable is null ? null : new Dictionary<string, string> { ["TESTBED_SLURM_STATE"] = stateVariable };
        var bash = ChildProcess.RunAsync("bash",
            ["-c", ". scripts/cluster/slurm/env.sh && printf '%s\\n%s\\n' \"$tb_slurm_state\" \"$tb_slurm_state_in_run\""],
            TimeSpan.FromMinutes(1), environment,
            io: new ChildIo(WorkingDirectory: clone, Unset: stateVariable is null ? ["TESTBED_SLURM_STATE"] : null)).GetAwaiter().GetResult();
        Assert.True(bash.ExitCode == 0, bash.Stderr);
        var output = bash.Stdout;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (lines[0], lines[1]);
    }
}
