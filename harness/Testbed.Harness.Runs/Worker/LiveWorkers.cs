// SPDX-License-Identifier: GPL-2.0-only
using System.Collections.Concurrent;
using System.Diagnostics;

namespace Testbed.Harness.Worker;

/// <summary>
/// The worker processes this process runs now, with their ring files: what must
/// not outlive it when it has to end without unwinding (a command that did not
/// stop within the grace period after a signal, or a second signal).
/// </summary>
public static class LiveWorkers
{
    private static readonly ConcurrentDictionary<string, int> Workers = new();

    /// <summary>Records the worker <paramref name="pid"/> whose ring file is <paramref name="ring"/>.</summary>
    public static void Add(string ring, int pid) => Workers[ring] = pid;

    /// <summary>Forgets the worker of <paramref name="ring"/> (it has exited and its ring file is gone).</summary>
    public static void Remove(string ring) => Workers.TryRemove(ring, out _);

    /// <summary>Kills every live worker and removes its ring file.</summary>
    public static void KillAll()
    {
        foreach (var (ring, pid) in Workers)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // Exited already.
            }

            File.Delete(ring);
            Workers.TryRemove(ring, out _);
        }
    }
}
