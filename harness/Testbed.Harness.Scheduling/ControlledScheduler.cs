// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Harness.Scheduling;

/// <summary>
/// Runs a few thread bodies so that exactly one of them runs at a time and control moves
/// only at scheduling points (the hook every lock, protocol atomic and seqcount of both
/// backends calls; install it with <see cref="SchedulerHooks"/>). At each point the
/// <see cref="ISchedulingStrategy"/> picks the next thread among the runnable ones; the
/// others wait on their own semaphore. A thread that reports <see cref="SchedPoint.Blocked"/>
/// (or another blocked point, <see cref="SchedHook.IsBlocked"/>) on an object is not runnable
/// until some thread passes <see cref="SchedPoint.Unlock"/> or <see cref="SchedPoint.Wake"/>
/// on it (an rw_semaphore's sleeper blocks on its own wait, which only its waker's Wake
/// names), or until every live thread is blocked (a retry round).
/// A deadlock, a step bound or a thread that stops calling the hook (watchdog) ends
/// control: the threads then run free and the run reports why.
/// </summary>
public sealed class ControlledScheduler
{
    /// <summary>How long the thread holding the turn may run between two scheduling points before the run is abandoned (the default).</summary>
    public static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(10);

    [ThreadStatic]
    private static ControlledScheduler? owner;

    [ThreadStatic]
    private static int self;

    private readonly object sync = new();
    private readonly ISchedulingStrategy strategy;
    private readonly IPointObserver? observer;
    private readonly int maxSteps;
    private readonly bool record;
    private readonly TimeSpan watchdog;
    private int steps;
    private int running = -1;
    private readonly Turn[] turn;
    private readonly object?[] blockedOn;
    private readonly bool[] done;
    private readonly List<Decision> decisions = [];
    private readonly Dictionary<object, int> objectIds = [];
    private bool abandoned;
    private string? failure;
    private int stuckRounds;

    private ControlledScheduler(int threads, ISchedulingStrategy strategy, int maxSteps, bool record, TimeSpan watchdog)
    {
        this.watchdog = watchdog;
        this.strategy = strategy;
        observer = strategy as IPointObserver;
        this.maxSteps = maxSteps;
        this.record = record;
        turn = Enumerable.Range(0, threads).Select(_ => new Turn()).ToArray();
        blockedOn = new object?[threads];
        done = new bool[threads];
    }

    /// <summary>
    /// The hook body: a no-op on threads no controlled run owns, so other threads (and
    /// set-up code on the calling thread) pass straight through.
    /// </summary>
    public static void OnPoint(SchedPoint point, object? obj) => owner?.Step(self, point, obj);

    /// <summary>
    /// Runs <paramref name="bodies"/> (thread i runs bodies[i]) under <paramref name="strategy"/>.
    /// A long run (the simulation's) may keep no decisions (<paramref name="record"/> false: the
    /// result's list is empty) and give each thread longer than the default to finish
    /// (<paramref name="limit"/>, from the start of the run). <paramref name="watchdog"/>: how
    /// long a run may go without a decision (default <see cref="Watchdog"/>).
    /// </summary>
    public static ControlledRun Run(IReadOnlyList<Action> bodies, ISchedulingStrategy strategy, int maxSteps = 20_000,
        bool record = true, TimeSpan? limit = null, TimeSpan? watchdog = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bodies.Count);
        var scheduler = new ControlledScheduler(bodies.Count, strategy, maxSteps, record, watchdog ?? Watchdog);
        var deadline = DateTime.UtcNow + (limit ?? Watchdog * 3);
        var errors = new Exception?[bodies.Count];
        var threads = new Thread[bodies.Count];
        for (var i = 0; i < bodies.Count; i++)
        {
            var index = i;
            threads[i] = new Thread(() => scheduler.ThreadMain(index, bodies[index], errors))
            {
                IsBackground = true,
                Name = $"controlled-{index}",
            };
            threads[i].Start();
        }
        int first;
        lock (scheduler.sync)
            first = scheduler.Decide(-1, null, null);
        if (first >= 0)
            scheduler.turn[first].Give();
        var hung = new List<int>();
        for (var i = 0; i < threads.Length; i++)
        {
            var left = deadline - DateTime.UtcNow;
            if (!threads[i].Join(left > Watchdog * 3 ? left : Watchdog * 3))
                hung.Add(i);
        }
        lock (scheduler.sync)
        {
            if (hung.Count > 0)
                scheduler.Abandon($"threads {string.Join(", ", hung)} did not finish");
            return new ControlledRun(bodies.Count, [.. scheduler.decisions], errors, scheduler.failure);
        }
    }

    private void ThreadMain(int index, Action body, Exception?[] errors)
    {
        owner = this;
        self = index;
        try
        {
            WaitTurn(index);
            body();
        }
        catch (Exception e)
        {
            errors[index] = e;
        }
        finally
        {
            owner = null;
            int next;
            lock (sync)
            {
                done[index] = true;
                next = abandoned ? -1 : Decide(index, null, null);
            }
            if (next >= 0)
                turn[next].Give();
        }
    }

    private void Step(int me, SchedPoint point, object? obj)
    {
        int next;
        lock (sync)
        {
            if (abandoned)
                return;
            // A release lets every thread blocked on the lock retry; a wake-up (an
            // rw_semaphore's waker) the thread that sleeps on that wait.
            if (point is SchedPoint.Unlock or SchedPoint.Wake && obj is not null)
            {
                for (var t = 0; t < blockedOn.Length; t++)
                {
                    if (blockedOn[t] is { } waiting && waiting.Equals(obj))
                        blockedOn[t] = null;
                }
            }
            if (SchedHook.IsBlocked(point))
                blockedOn[me] = obj ?? sync;
            else
                stuckRounds = 0;
            observer?.OnPoint(me, point, obj);
            next = Decide(me, point, obj);
        }
        if (next < 0 || next == me)
            return;
        turn[next].Give();
        WaitTurn(me);
    }

    /// <summary>Picks and records the next thread; -1 when none is left or control ended. Holds sync.</summary>
    private int Decide(int previous, SchedPoint? point, object? obj)
    {
        var enabled = Runnable();
        if (enabled.Count == 0)
        {
            if (!blockedOn.Any(b => b is not null))
                return -1;
            // Every live thread waits for a lock. Let them all retry once (a wake-up
            // the scheduler missed); if that keeps happening, it is a deadlock.
            if (++stuckRounds > 2 * blockedOn.Length)
            {
                Abandon("deadlock: every live thread is blocked: " + string.Join(", ",
                    blockedOn.Select((b, t) => b is null ? null : $"t{t} on {Describe(b)}").Where(s => s is not null)));
                return -1;
            }
            Array.Clear(blockedOn);
            enabled = Runnable();
        }
        if (steps >= maxSteps)
        {
            Abandon($"step bound: {maxSteps} scheduling decisions");
            return -1;
        }
        var chosen = strategy.Choose(steps, previous, enabled);
        if (!enabled.Contains(chosen))
            throw new InvalidOperationException($"strategy chose t{chosen}, not runnable among [{string.Join(' ', enabled)}]");
        if (record)
            decisions.Add(new Decision(steps, previous, point, obj is null ? "" : Describe(obj), enabled, chosen));
        steps++;
        running = chosen;
        return chosen;
    }

    private List<int> Runnable()
    {
        var list = new List<int>(done.Length);
        for (var t = 0; t < done.Length; t++)
        {
            if (!done[t] && blockedOn[t] is null)
                list.Add(t);
        }
        return list;
    }

    /// <summary>An object's name within this run ("o1", "o2", ... in order of first sight), stable across replays.</summary>
    private string Describe(object obj)
    {
        if (!objectIds.TryGetValue(obj, out var id))
        {
            id = objectIds.Count + 1;
            objectIds[obj] = id;
        }
        return $"o{id}";
    }

    /// <summary>
    /// Waits until the scheduler hands <paramref name="me"/> the turn. The watchdog is on the
    /// run, not on this thread: a wait may be long when many threads take turns before this
    /// one (a release that wakes N waiters costs N retries, so with N threads a turn can take
    /// O(N^2) hand-overs), and only a wait over which no decision was made at all means the
    /// thread holding the turn stopped calling the hook.
    /// </summary>
    private void WaitTurn(int me)
    {
        var seen = Volatile.Read(ref steps);
        while (!turn[me].Take(watchdog))
        {
            lock (sync)
            {
                if (abandoned)
                    return;
                if (steps != seen)
                {
                    seen = steps;
                    continue;
                }
                Abandon($"watchdog: no scheduling decision in {watchdog.TotalSeconds} s while t{me} waited for its turn " +
                    $"(t{running} blocked outside the scheduling points?)");
                return;
            }
        }
    }

    /// <summary>Ends control: every thread runs free from here. Holds sync.</summary>
    private void Abandon(string why)
    {
        if (abandoned)
            return;
        abandoned = true;
        failure = why;
        foreach (var t in turn)
            t.Give(done.Length);
    }
}
