// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Kernel;

/// <summary>
/// One kernel check: the summed <see cref="Report"/>, the guest run behind it, what each sequence
/// found (in batch order), and the problems of the run as a whole (guest errors, a guest that
/// did not finish), which the report lists before the sequences' own.
/// </summary>
public sealed record KernelCheckRun(
    KernelComparisonReport Report,
    GuestRun Run,
    IReadOnlyList<KernelSequenceOutcome> Sequences,
    IReadOnlyList<string> RunErrors);
