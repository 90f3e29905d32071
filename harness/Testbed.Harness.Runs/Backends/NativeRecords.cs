// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.CompilerServices;
using Testbed.Contract;
using Testbed.Interop;

namespace Testbed.Harness.Backends;

/// <summary>Conversions between the generated native structs and the contract's records.</summary>
internal static class NativeRecords
{
    /// <summary>struct tb_vma_info to <see cref="VmaInfo"/>.</summary>
    public static VmaInfo ToVmaInfo(in TbVmaInfo v) => new(
        v.Id, v.VmStart, v.VmEnd, v.VmPgoff, (VmFlags)v.VmFlags, v.FileId, v.RegionId, (MpolMode)v.Policy,
        v.RefCount, v.Populated, v.HasAnonVma != 0, v.InTree != 0, v.Sequence, v.CowPages, v.AnonChain);

    /// <summary>struct tb_stats to <see cref="Stats"/>.</summary>
    public static Stats ToStats(in TbStats s) => new()
    {
        LiveVmas = s.LiveVmas,
        LiveFiles = s.LiveFiles,
        LiveMempolicies = s.LiveMempolicies,
        LiveAnonVmas = s.LiveAnonVmas,
        LiveRegions = s.LiveRegions,
        MapCount = s.MapCount,
        PopulatedPages = s.PopulatedPages,
        Allocations = s.Allocations,
        InjectedFailures = s.InjectedFailures,
        Faults = s.Faults,
        SpfAttempts = s.SpfAttempts,
        SpfSuccess = s.SpfSuccess,
        SpfAbortNoVma = s.SpfAbortNoVma,
        SpfAbortSeqOdd = s.SpfAbortSeqOdd,
        SpfAbortSeqChanged = s.SpfAbortSeqChanged,
        SpfAbortDetached = s.SpfAbortDetached,
        SpfAbortAccess = s.SpfAbortAccess,
        SpfAbortNotAnon = s.SpfAbortNotAnon,
        SpfAbortNoAnonVma = s.SpfAbortNoAnonVma,
        SpfAbortMpol = s.SpfAbortMpol,
        SpfAbortPtlBusy = s.SpfAbortPtlBusy,
        ClassicFaults = s.ClassicFaults,
        Fallbacks = s.Fallbacks,
        SpfVmaReused = s.SpfVmaReused,
        Segv = s.Segv,
        Violations = s.Violations,
        EventsLost = s.EventsLost,
    };

    /// <summary>struct tb_violation to <see cref="Violation"/>.</summary>
    public static Violation ToViolation(in TbViolation v) =>
        new(v.Seq, v.OpSeq, v.Line, (OpKind)v.Op, v.SiteText, v.MessageText);

    /// <summary>struct tb_event to <see cref="LifecycleEvent"/>.</summary>
    public static LifecycleEvent ToEvent(in TbEvent e) =>
        new(e.Seq, e.OpSeq, e.ObjectId, e.Value, (EventType)e.Type, (OpKind)e.Op);

    /// <summary>struct tb_config_info to <see cref="ConfigInfo"/>.</summary>
    public static ConfigInfo ToConfig(in TbConfigInfo c) => new(
        c.NameText, c.Mmu != 0, c.Spf != 0, c.SharedFree != 0, c.TestFlags, c.PageSize, c.TaskSize,
        c.MmapMinAddr, c.MmapBase, (Capabilities)c.Caps);

    /// <summary><see cref="Operation"/> to struct tb_op (result cleared).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TbOp ToOp(in Operation op) => new()
    {
        Kind = (uint)op.Kind,
        Prot = (uint)op.Prot,
        Flags = op.Flags,
        Fd = op.Fd,
        Addr = op.Addr,
        Len = op.Len,
        Pgoff = op.PgOff,
        Result = 0,
    };
}
