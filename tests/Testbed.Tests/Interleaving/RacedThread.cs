// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Tests.Interleaving;

/// <summary>
/// One side of a forced interleaving (<see cref="SpfRace"/>): a background thread that binds
/// itself to the gate, runs one operation, and keeps its result or what it threw (read them
/// after <see cref="Join"/>).
/// </summary>
internal sealed class RacedThread
{
    private readonly Thread thread;

    public RacedThread(string name, Action bind, IAddressSpace mm, Operation op)
    {
        thread = new Thread(() =>
        {
            bind();
            try
            {
                Result = mm.Execute(op);
            }
            catch (Exception e)
            {
                Error = e;
            }
        }) { IsBackground = true, Name = name };
    }

    /// <summary>What the operation answered (long.MinValue until it did).</summary>
    public long Result { get; private set; } = long.MinValue;

    /// <summary>What the operation threw, if it did.</summary>
    public Exception? Error { get; private set; }

    public bool IsAlive => thread.IsAlive;

    public void Start() => thread.Start();

    public bool Join(TimeSpan timeout) => thread.Join(timeout);
}
