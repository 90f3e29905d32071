// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/bug.h: WARN_ON, WARN, BUG_ON, VM_BUG_ON, VM_WARN_ON.
// Each records a violation (site, line, message) and never aborts; like the
// kernel macros they evaluate to the condition.
using System.Runtime.CompilerServices;
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>WARN/BUG macros that record <see cref="Violation"/>s instead of stopping.</summary>
internal static class Bug
{
    private static readonly List<Violation> GlobalLog = [];
    private static ulong globalSeq;

    /// <summary>WARN_ON(cond).</summary>
    public static bool WarnOn(bool cond, [CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        if (cond)
            Record(site, line, "WARN_ON");
        return cond;
    }

    /// <summary>WARN(cond, msg): the message is built only when the condition holds.</summary>
    public static bool Warn(bool cond, string message, [CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        if (cond)
            Record(site, line, message);
        return cond;
    }

    /// <summary>BUG_ON / VM_BUG_ON: recorded, not fatal.</summary>
    public static bool BugOn(bool cond, string message = "BUG_ON", [CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        if (cond)
            Record(site, line, message);
        return cond;
    }

    /// <summary>Records one violation in current's mm, or in the global log outside any mm.</summary>
    public static void Record(string site, int line, string message)
    {
        var task = TaskStruct.Current;
        if (task.Mm is { } mm)
        {
            mm.RecordViolation(site, line, message, task.Op, task.OpSeq);
            return;
        }
        lock (GlobalLog)
            GlobalLog.Add(new Violation(++globalSeq, 0, (uint)line, OpKind.None, site, message));
    }

    /// <summary>Appends a violation recorded in a dying mm (its teardown) to the global log.</summary>
    public static void RecordGlobal(Violation violation)
    {
        lock (GlobalLog)
            GlobalLog.Add(violation with { Seq = ++globalSeq });
    }

    /// <summary>Violations recorded outside any mm (tb_global_violations) and by teardowns.</summary>
    public static IReadOnlyList<Violation> GlobalViolations()
    {
        lock (GlobalLog)
            return GlobalLog.ToArray();
    }
}
