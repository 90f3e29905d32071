// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Tests.Interleaving;

/// <summary>
/// A one-shot controlled scheduler behind the scheduling hook: the first time the target
/// thread reaches the chosen <see cref="PausePoint"/> it blocks there until the test calls
/// <see cref="Release"/>; every other thread and every other point passes straight through.
/// It records the hook calls of the target and of the writer thread, so a test can show
/// what the paused thread held and which objects the writer touched. Optionally it also
/// stops the writer once: at its first PREEMPT (<see cref="StopWriterAtPreempt"/>), or right
/// after it released the lock the target stopped before (<see cref="StopWriterAfterItReleases"/>:
/// on mmu-pvl, inside its write section with the VMA marked).
/// Every wait is bounded by <see cref="Timeout"/>: a gate never hangs a test run.
/// </summary>
public sealed class SchedGate
{
    /// <summary>The bound on every wait of an interleaving spec.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private const int Armed = 0;
    private const int SawSample = 1;
    private const int Paused = 2;
    private const int Passed = 3;

    private readonly PausePoint pausePoint;
    private readonly object sync = new();
    private readonly List<SchedStep> targetSteps = [];
    private readonly List<SchedStep> writerSteps = [];
    private readonly ManualResetEventSlim paused = new();
    private readonly ManualResetEventSlim released = new();
    private readonly ManualResetEventSlim writerPaused = new();
    private readonly ManualResetEventSlim writerReleased = new();
    private int writerPauseIndex = -1;
    private bool stopWriterAfterRelease;
    private int faultLocks;
    private int targetThread;
    private int writerThread;
    private int state = Armed;
    private int pauseIndex = -1;
    private string? failure;

    /// <summary>A gate that will stop the target thread at <paramref name="at"/>.</summary>
    public SchedGate(PausePoint at) => pausePoint = at;

    /// <summary>Makes the calling thread the one the gate stops (call it first on that thread).</summary>
    public void BindTarget() => Volatile.Write(ref targetThread, Environment.CurrentManagedThreadId);

    /// <summary>Makes the calling thread the writer whose hook calls are recorded.</summary>
    public void BindWriter() => Volatile.Write(ref writerThread, Environment.CurrentManagedThreadId);

    /// <summary>The hook body, called by every thread at every scheduling point.</summary>
    public void OnPoint(SchedPoint point, object? obj)
    {
        var self = Environment.CurrentManagedThreadId;
        if (self == Volatile.Read(ref writerThread))
        {
            bool stopWriter;
            lock (sync)
            {
                writerSteps.Add(new SchedStep(point, obj));
                stopWriter = writerPauseIndex < 0 &&
                    ((StopWriterAtPreempt && point == SchedPoint.Preempt) ||
                     (stopWriterAfterRelease && point == SchedPoint.Unlock && pauseIndex >= 0 &&
                      Equals(obj, targetSteps[pauseIndex].Obj)));
                if (stopWriter)
                    writerPauseIndex = writerSteps.Count - 1;
            }
            if (stopWriter)
            {
                writerPaused.Set();
                if (!writerReleased.Wait(Timeout))
                {
                    lock (sync)
                        failure = $"the writer waited {Timeout.TotalSeconds} s at {writerSteps[writerPauseIndex]} and was never released";
                }
            }
            return;
        }
        if (self != Volatile.Read(ref targetThread))
            return;

        bool stop;
        lock (sync)
        {
            targetSteps.Add(new SchedStep(point, obj));
            stop = Advance(point);
            if (stop)
                pauseIndex = targetSteps.Count - 1;
        }
        if (!stop)
            return;
        paused.Set();
        if (!released.Wait(Timeout))
        {
            lock (sync)
                failure = $"the target thread waited {Timeout.TotalSeconds} s at {targetSteps[pauseIndex]} and was never released";
        }
    }

    /// <summary>
    /// Also stop the writer, once, at its first PREEMPT (a zap's TLB flush under the
    /// page-table lock: it holds that lock there) until <see cref="ReleaseWriter"/>.
    /// </summary>
    public bool StopWriterAtPreempt { get; init; }

    /// <summary>Moves the one-shot state machine; true when the target must stop now.</summary>
    private bool Advance(SchedPoint point)
    {
        if (pausePoint is PausePoint.VmaLock or PausePoint.PageTableLockUnderVmaLock)
            return AdvanceByLocks(point);
        if (pausePoint == PausePoint.Never)
            return false;
        if (pausePoint == PausePoint.BoundsRecheck)
        {
            if (state != Armed || point != SchedPoint.Preempt)
                return false;
            state = Paused;
            return true;
        }
        switch (state)
        {
            case Armed when point == SchedPoint.SeqRead:
                state = pausePoint == PausePoint.SequenceSample ? Paused : SawSample;
                return state == Paused;
            case SawSample when point == SchedPoint.Lock:
                state = Paused;
                return true;
            case Paused:
                state = Passed;
                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// The per-VMA-lock pause points: counted in the fault's LOCKs (its walk, mas_walk under
    /// RCU, takes none).
    /// </summary>
    private bool AdvanceByLocks(SchedPoint point)
    {
        if (state == Paused)
        {
            state = Passed;
            return false;
        }
        if (state != Armed)
            return false;
        if (point != SchedPoint.Lock)
            return false;
        faultLocks++;
        var stopAt = pausePoint == PausePoint.VmaLock ? 1 : 2;
        if (faultLocks != stopAt)
            return false;
        state = Paused;
        return true;
    }

    /// <summary>Also stop the writer, once, right after it releases the lock the target stopped before.</summary>
    public void StopWriterAfterItReleases()
    {
        lock (sync)
            stopWriterAfterRelease = true;
    }

    /// <summary>
    /// Waits until the writer is stopped (<see cref="StopWriterAtPreempt"/>,
    /// <see cref="StopWriterAfterItReleases"/>).
    /// </summary>
    public bool WaitWriterPaused() => writerPaused.Wait(Timeout);

    /// <summary>Lets the writer go on (idempotent).</summary>
    public void ReleaseWriter() => writerReleased.Set();

    /// <summary>The step the writer stopped at.</summary>
    public SchedStep WriterPausedAt
    {
        get
        {
            lock (sync)
                return writerPauseIndex >= 0 ? writerSteps[writerPauseIndex] : throw new InvalidOperationException("the writer never paused");
        }
    }

    /// <summary>The target's hook calls so far.</summary>
    public IReadOnlyList<SchedStep> TargetSteps
    {
        get
        {
            lock (sync)
                return [.. targetSteps];
        }
    }

    /// <summary>
    /// Waits until the target reached a hook point after its first LOCK of <paramref name="obj"/>
    /// (it did not stay blocked on that lock); false after <see cref="Timeout"/>.
    /// </summary>
    public bool WaitTargetPassedLock(object? obj) =>
        SpinWait.SpinUntil(() =>
        {
            var steps = TargetSteps;
            var i = steps.ToList().IndexOf(new SchedStep(SchedPoint.Lock, obj));
            return i >= 0 && i < steps.Count - 1;
        }, Timeout);

    /// <summary>Waits until the target thread is stopped at the pause point.</summary>
    public bool WaitPaused() => paused.Wait(Timeout);

    /// <summary>Lets the target thread go on (idempotent; the events are never disposed, so a late waiter is safe).</summary>
    public void Release() => released.Set();

    /// <summary>The step the target stopped at.</summary>
    public SchedStep PausedAt
    {
        get
        {
            lock (sync)
                return pauseIndex >= 0 ? targetSteps[pauseIndex] : throw new InvalidOperationException("the gate never paused");
        }
    }

    /// <summary>The object of the target's first SEQ_READ: the vm_sequence it sampled (or was about to).</summary>
    public object? SampledSequence
    {
        get
        {
            lock (sync)
                return targetSteps.First(s => s.Point == SchedPoint.SeqRead).Obj;
        }
    }

    /// <summary>
    /// The locks the target thread held while stopped: LOCK is called before acquiring and
    /// UNLOCK after releasing, so a lock is held when its LOCKs before the pause outnumber
    /// its UNLOCKs (the LOCK the target stopped at is not acquired yet).
    /// </summary>
    public IReadOnlyList<string> HeldAtPause()
    {
        lock (sync)
        {
            var depth = new Dictionary<object, int>();
            for (var i = 0; i < pauseIndex; i++)
            {
                var s = targetSteps[i];
                if (s.Obj is null || (s.Point != SchedPoint.Lock && s.Point != SchedPoint.Unlock))
                    continue;
                depth[s.Obj] = depth.GetValueOrDefault(s.Obj) + (s.Point == SchedPoint.Lock ? 1 : -1);
            }
            return depth.Where(kv => kv.Value > 0).Select(kv => $"{SchedStep.Describe(kv.Key)} x{kv.Value}").ToList();
        }
    }

    /// <summary>The writer's hook calls so far.</summary>
    public IReadOnlyList<SchedStep> WriterSteps
    {
        get
        {
            lock (sync)
                return [.. writerSteps];
        }
    }

    /// <summary>The target's hook calls so far, one per line, the pause marked.</summary>
    public string TargetTrace()
    {
        lock (sync)
            return string.Join('\n', targetSteps.Select((s, i) => (i == pauseIndex ? "> " : "  ") + s));
    }

    /// <summary>A problem the hook itself met (it cannot throw into the code it interrupts), or null.</summary>
    public string? Failure
    {
        get
        {
            lock (sync)
                return failure;
        }
    }
}
