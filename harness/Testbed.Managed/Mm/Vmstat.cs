// SPDX-License-Identifier: GPL-2.0-only
// Port of native/mm/vmstat.c: the fault statistics per thread, summed when read.
namespace Testbed.Managed.Mm;

internal sealed partial class MmStruct
{
    [ThreadStatic]
    private static MmStruct? countersMm;

    [ThreadStatic]
    private static FaultCounters? countersBlock;

    private readonly List<FaultCounters> counterBlocks = [];

    /// <summary>
    /// This thread's statistics block in this mm (count_vm_event counts per CPU): written by
    /// this thread only, so a fault writes no line another thread writes.
    /// </summary>
    public FaultCounters Counters
    {
        get
        {
            if (ReferenceEquals(countersMm, this))
                return countersBlock!;
            var block = new FaultCounters();
            lock (counterBlocks)
                counterBlocks.Add(block);
            countersMm = this;
            countersBlock = block;
            return block;
        }
    }

    /// <summary>all_vm_events: every thread's block summed; exact once no fault is in flight.</summary>
    public FaultCounters SumCounters()
    {
        var sum = new FaultCounters();
        lock (counterBlocks)
        {
            foreach (var b in counterBlocks)
                sum.Add(b);
        }
        return sum;
    }
}
