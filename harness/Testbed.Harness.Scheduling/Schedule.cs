// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using System.Text;

namespace Testbed.Harness.Scheduling;

/// <summary>
/// A schedule of a controlled run, as the decisions that differ from the default policy
/// (keep running the current thread while it can run, else the lowest-numbered runnable
/// one). Printable as <c>threads:step&gt;thread,step&gt;thread,...</c>, e.g. <c>2:4&gt;1,9&gt;0</c>:
/// two threads; at decision 4 run thread 1, at decision 9 run thread 0. Replaying it
/// with <see cref="ReplayStrategy"/> reruns the same interleaving.
/// </summary>
public sealed record Schedule(int Threads, IReadOnlyList<ScheduleSwitch> Switches)
{
    /// <summary>The decision after the last explicit switch: what a shrinker makes smaller.</summary>
    public int Length => Switches.Count == 0 ? 0 : Switches[^1].Step + 1;

    /// <summary>The schedule that takes <paramref name="choices"/> (one thread per decision) in a run.</summary>
    public static Schedule FromDecisions(int threads, IReadOnlyList<Decision> decisions)
    {
        var switches = new List<ScheduleSwitch>();
        foreach (var d in decisions)
        {
            if (d.Chosen != DefaultPolicy.Choose(d.Previous, d.Enabled))
                switches.Add(new ScheduleSwitch(d.Step, d.Chosen));
        }
        return new Schedule(threads, switches);
    }

    /// <summary>The printable form (see the type's summary).</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Threads.ToString(CultureInfo.InvariantCulture)).Append(':');
        text.AppendJoin(',', Switches.Select(s => $"{s.Step}>{s.Thread}"));
        return text.ToString();
    }

    /// <summary>Parses the printable form; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static Schedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var threads) || threads < 1)
            throw new FormatException($"schedule '{text}': expected '<threads>:<step>><thread>,...' with threads >= 1");
        var switches = new List<ScheduleSwitch>();
        var rest = text[(colon + 1)..];
        if (rest.Length > 0)
        {
            foreach (var part in rest.Split(','))
            {
                var gt = part.IndexOf('>', StringComparison.Ordinal);
                if (gt <= 0
                    || !int.TryParse(part.AsSpan(0, gt), NumberStyles.None, CultureInfo.InvariantCulture, out var step)
                    || !int.TryParse(part.AsSpan(gt + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var thread)
                    || thread >= threads)
                    throw new FormatException($"schedule '{text}': bad switch '{part}' (expected <step>><thread> with thread < {threads})");
                if (switches.Count > 0 && step <= switches[^1].Step)
                    throw new FormatException($"schedule '{text}': switch steps must increase ('{part}')");
                switches.Add(new ScheduleSwitch(step, thread));
            }
        }
        return new Schedule(threads, switches);
    }
}
