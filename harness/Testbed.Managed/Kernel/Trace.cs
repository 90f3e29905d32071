// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/trace.h: tb_trace_event() appends to current's mm event log.
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>Lifecycle event emission.</summary>
internal static class Trace
{
    /// <summary>tb_trace_event(type, id, value), tagged with current's op and op_seq.</summary>
    public static void Event(EventType type, ulong objectId, long value)
    {
        if (!ManagedFlavour.Checked)
            return;
        var task = TaskStruct.Current;
        task.Mm?.TraceEvent(type, objectId, value, task.Op, task.OpSeq);
    }
}
