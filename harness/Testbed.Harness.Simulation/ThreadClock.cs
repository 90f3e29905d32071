// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// One virtual CPU's clock and where its time went: local work (calibrated), line transfers
/// (including the wait for a line busy with another transfer) and waits for a lock held by
/// another CPU.
/// </summary>
internal sealed class ThreadClock
{
    /// <summary>Virtual ns.</summary>
    public double Now;

    /// <summary>Local work, ns.</summary>
    public double Local;

    /// <summary>Transfers and waits for a busy line, ns.</summary>
    public double Transfer;

    /// <summary>Waits for a lock, ns, wake-ups included.</summary>
    public double Wait;

    /// <summary>The part of <see cref="Wait"/> that was wake-ups: its own wake → run latencies and the wake calls it made as a releaser, ns.</summary>
    public double Sleep;

    /// <summary>Wake-ups it slept for (each paid one wake → run latency).</summary>
    public long Sleeps;

    /// <summary>Whether its current blocked try sleeps in an rw_semaphore's wait list (on its own wait, until a Wake on it).</summary>
    public bool Sleeping;

    /// <summary>Whether that sleep is a writer's (woken, it competes for <see cref="LastLock"/>), not a reader's (woken, it holds it).</summary>
    public bool SleepsToWrite;

    /// <summary>The lock its last LOCK point named: the lock a sleeper, which names its own wait, waits for.</summary>
    public object? LastLock;

    /// <summary>Line transfers this CPU paid.</summary>
    public long Transfers;

    /// <summary>The local work of one segment (between two points) of the operation it runs.</summary>
    public double Segment;

    /// <summary>The operation kind it runs (an index into the calibration), or -1.</summary>
    public int Kind = -1;

    /// <summary>The access it is about to make when it next runs: the line and whether it writes.</summary>
    public object? PendingLine;

    /// <summary>Whether the pending access is a write.</summary>
    public bool PendingWrite;

    /// <summary>
    /// The line its last point's access took, until its next plain access
    /// (<see cref="VirtualTime.OnLineAccess"/>): a plain access of that same line right after
    /// the point's own is made at once, behind no other CPU's request.
    /// </summary>
    public object? PointLine;

    /// <summary>
    /// The plain accesses it made since its last point from the first one behind another CPU's
    /// earlier write request on (<see cref="VirtualTime.OnLineAccess"/>): each line and whether
    /// it writes, made in order when it next runs, after the threads with earlier clocks have
    /// made their accesses.
    /// </summary>
    public List<(object Line, bool Write)> PendingAccesses { get; } = [];

    /// <summary>Whether its current acquisition has already been counted as blocked (retries that fail again are the same wait).</summary>
    public bool Blocking;

    /// <summary>Virtual ns at which its current wait began (its first blocked try; valid while <see cref="Blocking"/>): its place in the lock's queue.</summary>
    public double WaitBegan;

    /// <summary>The order in which the engine saw waits begin, among those that began at the same <see cref="WaitBegan"/>.</summary>
    public long WaitSeq;

    /// <summary>The lock it waits for (reported blocked), or null.</summary>
    public object? WaitingOn;

    /// <summary>The lock a wake-up let it retry: its line moves here when the retry succeeds (the next point that is not a block).</summary>
    public object? Retrying;

    /// <summary>Virtual ns at which each of its operations ended.</summary>
    public List<double> OpEnds { get; } = [];

    /// <summary>Waits (not runnable) until virtual ns <paramref name="at"/>, if that is later; returns the ns waited.</summary>
    public double WaitUntil(double at)
    {
        if (at <= Now)
            return 0;
        var waited = at - Now;
        Wait += waited;
        Now = at;
        return waited;
    }

    /// <summary>Spends <paramref name="ns"/> on a wake-up (a wake call it makes, or its own wake → run latency): a wait that was a sleep's.</summary>
    public void SpendWaking(double ns)
    {
        Now += ns;
        Wait += ns;
        Sleep += ns;
    }
}
