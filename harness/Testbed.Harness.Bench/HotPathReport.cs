// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Bench;

/// <summary>
/// The floor of the fault lookup on this machine (native/bench: an uncontended reader lock +
/// unlock, an atomic increment + decrement, an rb-tree walk of the hot path's depth), in ns.
/// </summary>
public sealed record FloorReport(int Vmas, int RbDepth, double RwlockReadNs, double AtomicIncDecNs, double RbWalkNs)
{
    /// <summary>The three together: what a refcounted lookup under a reader lock must at least cost.</summary>
    public double TotalNs => RwlockReadNs + AtomicIncDecNs + RbWalkNs;
}

/// <summary>
/// One design's single-thread hot paths on a populated page with no contention, in ns per
/// operation, median of the repeats: the perf library driven from C (tb_batch of 256 faults,
/// one tb_fault per call, tb_get_vma + tb_put_vma), the same library driven from C# through
/// the interop, and the managed port's perf flavour; the managed/C ratios, and the C fault
/// over the floor (<paramref name="CFaultOverFloor"/>, the floor sampled in the same rounds), are
/// medians of the ratios of samples taken in turn.
/// </summary>
public sealed record HotPathReport(
    string Config,
    double CFaultBatchNs,
    double CFaultCallNs,
    double? CGetPutNs,
    double InteropFaultBatchNs,
    double? InteropGetPutNs,
    double ManagedFaultBatchNs,
    double? ManagedGetPutNs,
    double ManagedOverCFault,
    double? ManagedOverCGetPut,
    double? CFaultOverFloor = null);

/// <summary>
/// The interop's cost on one op mix (mmap, 16 write faults, 16 read faults, munmap) run in
/// batches of 256 through tb_batch: by the pure-C driver and by C# (ns per operation).
/// <paramref name="Ratio"/> is C# over pure C (the goal: at most 1.10), the median of the
/// ratios of samples taken in turn.
/// </summary>
public sealed record InteropMixReport(string Config, long Ops, double PureCNs, double CSharpNs, double Ratio);
