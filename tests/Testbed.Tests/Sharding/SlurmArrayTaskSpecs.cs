// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Kernel;
using Testbed.Harness.Sharding;
using Testbed.Harness.Worker;
using Xunit;

namespace Testbed.Tests.Sharding;

/// <summary>
/// scripts/cluster/slurm/sweep.sbatch, the batch script of the Slurm job arrays, run as slurmd runs
/// one array task (bash, in the checkout, with the SLURM_ARRAY_* variables of that task) but without
/// a cluster: the task's place in its array becomes the shard of a real <c>testbed differential</c>
/// run. The cluster itself is the opt-in tier (<c>./scripts/build-and-test.sh --cluster</c>).
/// </summary>
public sealed class SlurmArrayTaskSpecs
{
    private static readonly string Root = RepoPaths.Root();

    [Fact]
    public void An_array_task_runs_the_shard_its_place_in_the_array_names()
    {
        var dir = Directory.CreateTempSubdirectory("testbed-slurm-task-").FullName;

        // Task 6 of --array=4-7 is the third of four tasks: shard 2/4.
        var (code, output) = RunTask(dir, ArrayTask(id: 6, min: 4, max: 7, count: 4),
            "differential", "--seed", "3", "--seeds", "4", "--config", "mmu-spf", "--ops", "200");

        Assert.True(code == 0, output);
        Assert.Contains("shard 2/4 (array task 6", output);
        var shard = SweepFile.Read(Path.Combine(dir, "shard-2.json"));
        Assert.Equal(new Shard(2, 4), shard.Shard);
        Assert.Equal(4, shard.Units);
        Assert.Equal([2], shard.Results.Select(u => u.Index));
        Assert.Equal("0", File.ReadAllText(Path.Combine(dir, "shard-2.exit")).Trim());
    }

    [Fact]
    public void A_task_of_an_array_with_gaps_is_refused_before_the_sweep_runs()
    {
        var dir = Directory.CreateTempSubdirectory("testbed-slurm-task-").FullName;

        // --array=0-2,5: four tasks, but ids 0..5.
        var (code, output) = RunTask(dir, ArrayTask(id: 5, min: 0, max: 5, count: 4), "differential", "--seeds", "4");

        Assert.Equal(2, code);
        Assert.Contains("contiguous range such as --array=0-3", output);
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Theory]
    [InlineData("--shard", "0/2")]
    [InlineData("--result", "elsewhere.json")]
    [InlineData("--shard=0/2", "--seeds")]
    public void Sweep_arguments_that_set_the_shard_or_the_result_are_refused(string option, string value)
    {
        var dir = Directory.CreateTempSubdirectory("testbed-slurm-task-").FullName;

        var (code, output) = RunTask(dir, ArrayTask(id: 0, min: 0, max: 3, count: 4), "differential", option, value);

        Assert.Equal(2, code);
        Assert.Contains($"must not hold {option}", output);
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public void Outside_a_job_array_the_script_says_how_to_submit_it()
    {
        var dir = Directory.CreateTempSubdirectory("testbed-slurm-task-").FullName;

        var (code, output) = RunTask(dir, [], "differential", "--seeds", "4");

        Assert.Equal(2, code);
        Assert.Contains("sbatch --array=0-3", output);
    }

    private static Dictionary<string, string> ArrayTask(int id, int min, int max, int count) => new()
    {
        ["SLURM_ARRAY_JOB_ID"] = "41",
        ["SLURM_ARRAY_TASK_ID"] = id.ToString(),
        ["SLURM_ARRAY_TASK_MIN"] = min.ToString(),
        ["SLURM_ARRAY_TASK_MAX"] = max.ToString(),
        ["SLURM_ARRAY_TASK_COUNT"] = count.ToString(),
    };

    /// <summary>Runs sweep.sbatch DIR ARGS as a task with <paramref name="slurm"/>'s variables; returns its exit code and output.</summary>
    private static (int Code, string Output) RunTask(string dir, Dictionary<string, string> slurm, params string[] args)
    {
        var environment = new Dictionary<string, string>(slurm)
        {
            ["TESTBED_ROOT"] = Root,
            ["TESTBED_NO_BUILD"] = "1",
        };
        var unset = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("SLURM_", StringComparison.Ordinal) && !slurm.ContainsKey(k))
            .Append("TESTBED_SLURM_SETUP").ToList();
        var result = ChildProcess.RunAsync("bash", [Path.Combine(Root, "scripts", "cluster", "slurm", "sweep.sbatch"), dir, .. args],
            TimeSpan.FromMinutes(2), environment, io: new ChildIo(WorkingDirectory: Root, Unset: unset)).GetAwaiter().GetResult();
        if (result.TimedOut)
            throw new TimeoutException($"sweep.sbatch {string.Join(' ', args)} ran past two minutes");
        return (result.ExitCode, result.Stdout + result.Stderr);
    }
}
