// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/current.h: the per-thread `current` with its mm and operation tag.
using System.Runtime.CompilerServices;
using Testbed.Contract;
using Testbed.Managed.Mm;

namespace Testbed.Managed.Kernel;

/// <summary>The per-thread task_struct: which mm and which operation this thread is inside.</summary>
internal sealed class TaskStruct
{
    [ThreadStatic]
    private static TaskStruct? current;

    /// <summary>The mm the running operation belongs to (null outside an operation).</summary>
    public MmStruct? Mm;

    /// <summary>The kind of the running operation.</summary>
    public OpKind Op;

    /// <summary>The mm's op_seq of the running operation.</summary>
    public ulong OpSeq;

    /// <summary>`current`.</summary>
    public static TaskStruct Current
    {
        // Every operation enters and leaves through it: inlined, it is one thread-static read.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => current ?? Create();
    }

    private static TaskStruct Create() => current = new TaskStruct();
}
