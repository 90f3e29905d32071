// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;

namespace Testbed.Worker;

/// <summary>
/// Ends this worker when its parent goes away. The launcher keeps the write end of
/// the worker's stdin open and never writes; the kernel closes it when the parent
/// exits for any reason (SIGKILL included), and the read here returns end-of-file.
/// Unlike PR_SET_PDEATHSIG it does not fire when the parent's forking thread ends.
/// </summary>
internal static class ParentWatch
{
    /// <summary>Starts a background thread that removes <paramref name="ringFile"/> and kills this process at stdin EOF.</summary>
    public static void Start(string? ringFile)
    {
        var thread = new Thread(() =>
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[64];
            try
            {
                while (stdin.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (IOException)
            {
            }

            if (ringFile is not null)
                File.Delete(ringFile);
            Process.GetCurrentProcess().Kill();
        })
        { IsBackground = true, Name = "testbed-parent-watch" };
        thread.Start();
    }
}
