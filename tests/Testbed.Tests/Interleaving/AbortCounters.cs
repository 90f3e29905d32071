// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Tests.Interleaving;

/// <summary>The speculative-fault abort counters of <see cref="Stats"/>, by reason.</summary>
internal static class AbortCounters
{
    /// <summary>The counter of <paramref name="reason"/> in <paramref name="s"/>.</summary>
    public static ulong Of(Stats s, SpfAbort reason) => reason switch
    {
        SpfAbort.NoVma => s.SpfAbortNoVma,
        SpfAbort.SeqOdd => s.SpfAbortSeqOdd,
        SpfAbort.SeqChanged => s.SpfAbortSeqChanged,
        SpfAbort.Detached => s.SpfAbortDetached,
        SpfAbort.Access => s.SpfAbortAccess,
        SpfAbort.NotAnon => s.SpfAbortNotAnon,
        SpfAbort.NoAnonVma => s.SpfAbortNoAnonVma,
        SpfAbort.Mpol => s.SpfAbortMpol,
        SpfAbort.PtlBusy => s.SpfAbortPtlBusy,
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    /// <summary>How far each reason's counter moved from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static Dictionary<SpfAbort, ulong> Deltas(Stats before, Stats after) =>
        Enum.GetValues<SpfAbort>().ToDictionary(r => r, r => Of(after, r) - Of(before, r));
}
