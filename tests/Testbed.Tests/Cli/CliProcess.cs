// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using System.Text;
using Testbed.Harness.Worker;

namespace Testbed.Tests.Cli;

/// <summary>
/// The real <c>testbed</c> CLI (testbed.dll, copied next to the tests) as a child
/// process, with its own temporary folder so its workers and ring files can be found.
/// It runs in a session and process group of its own (<c>setsid</c>; its id is the
/// group's), with SIGINT and SIGTERM at their default dispositions (<c>env
/// --default-signal</c>): a test command started in the background of a script
/// inherits SIGINT ignored, and the CLI, as every program should, keeps it ignored —
/// which made the SIGINT spec hang whenever the suite ran that way.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private CliProcess(Process process, string tempFolder)
    {
        _process = process;
        TempFolder = tempFolder;
    }

    /// <summary>The TMPDIR the CLI and its workers see.</summary>
    public string TempFolder { get; }

    /// <summary>The CLI's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Everything written to stdout so far.</summary>
    public string Stdout
    {
        get
        {
            lock (_stdout)
                return _stdout.ToString();
        }
    }

    /// <summary>Everything written to stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    /// <summary>Starts <c>testbed <paramref name="args"/></c>.</summary>
    public static CliProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts <c>testbed <paramref name="args"/></c> with <paramref name="environment"/> added.</summary>
    public static CliProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var temp = Directory.CreateTempSubdirectory("testbed-cli-spec-").FullName;
        // setsid and env exec in place: the process id stays the CLI's.
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("env");
        info.ArgumentList.Add("--default-signal=INT,TERM");
        info.ArgumentList.Add(ChildProcess.DotnetHost());
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "testbed.dll"));
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["TMPDIR"] = temp;
        info.Environment["DOTNET_EnableDiagnostics"] = "0";
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        var process = Process.Start(info)!;
        var cli = new CliProcess(process, temp);
        process.OutputDataReceived += (_, e) => cli.Append(cli._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => cli.Append(cli._stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs <c>testbed <paramref name="args"/></c> to the end (at most two minutes).</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => Run(new Dictionary<string, string>(), args);

    /// <summary>Runs <c>testbed <paramref name="args"/></c> with <paramref name="environment"/> added, to the end (at most two minutes).</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var cli = Start(environment, args);
        var code = cli.WaitForExit(TimeSpan.FromMinutes(2));
        return (code, cli.Stdout, cli.Stderr);
    }

    /// <summary>Waits for the exit; kills the process and throws after <paramref name="timeout"/>.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"testbed did not exit within {timeout}: {Stdout}\n{Stderr}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>The ids of live processes whose command line mentions this CLI's temporary folder (its workers).</summary>
    public IReadOnlyList<int> Workers() =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : -1)
            .Where(pid => pid > 0 && pid != Id && CommandLine(pid).Contains(TempFolder, StringComparison.Ordinal))
            .ToArray();

    /// <summary>The ring files left in the temporary folder.</summary>
    public IReadOnlyList<string> RingFiles() =>
        Directory.Exists(TempFolder) ? Directory.GetFiles(TempFolder, WorkerLauncher.RingFilePrefix + "*") : [];

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        foreach (var pid in Workers())
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
            }
        }

        _process.Dispose();
        Directory.Delete(TempFolder, recursive: true);
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    private void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
            return;
        lock (buffer)
            buffer.AppendLine(line);
    }
}
