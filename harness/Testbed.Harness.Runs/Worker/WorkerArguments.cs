// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Worker;

/// <summary>
/// The command line of testbed-worker (harness/Testbed.Worker): the option names
/// the launcher writes (<see cref="WorkerOptions.Arguments"/>) and the worker reads.
/// </summary>
public static class WorkerArguments
{
    /// <summary>The worker executable's assembly file name.</summary>
    public const string AssemblyFileName = "testbed-worker.dll";

    /// <summary>native or managed.</summary>
    public const string Backend = "--backend";

    /// <summary>The config.</summary>
    public const string Config = "--config";

    /// <summary>The workload mix.</summary>
    public const string Mix = "--mix";

    /// <summary>The workload seed.</summary>
    public const string Seed = "--seed";

    /// <summary>Threads.</summary>
    public const string Threads = "--threads";

    /// <summary>Operations per thread.</summary>
    public const string Ops = "--ops";

    /// <summary>checked (the default) or perf: which build of the backend runs.</summary>
    public const string Flavour = "--flavour";

    /// <summary>Optional cap in seconds on the threaded part.</summary>
    public const string Duration = "--duration";

    /// <summary>The ring file of last started operations (mapped shared, survives a crash).</summary>
    public const string RingFile = "--ring-file";

    /// <summary>End the worker, and remove its ring file, when stdin reaches end-of-file (the parent died).</summary>
    public const string WatchStdin = "--watch-stdin";

    /// <summary>TEST ONLY: the test-only library whose tb_test_crash the worker calls.</summary>
    public const string CrashLibrary = "--crash-library";

    /// <summary>TEST ONLY: crash before thread 0's operation N.</summary>
    public const string CrashAfter = "--crash-after";

    /// <summary>TEST ONLY: tb_test_crash's 'how' (1 = SIGSEGV, 2 = abort).</summary>
    public const string CrashHow = "--crash-how";
}
