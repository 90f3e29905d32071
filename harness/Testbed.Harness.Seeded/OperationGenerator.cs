// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Seeded;

/// <summary>
/// The core of the one family of seeded operation generators: the workload mixes
/// (<c>Workloads.WorkloadGenerator</c>), the nommu A/B sequences (<c>AB.SequenceGenerator</c>)
/// and the kernel sequences (<c>Kernel.SequenceGenerator</c>). Everything comes from one
/// <see cref="SplitMix64"/>: first the kind of the next step, from the member's weights, then
/// that step's arguments, from <see cref="Weights{T}"/> tables of their own (protections,
/// fault flags). A member is a policy: its kinds and weights, and how a kind becomes a step of the
/// runners' one vocabulary from what the member tracks (held references, live mappings, the
/// layout, the holes it left). The same seed gives the same steps on every .NET version.
/// </summary>
/// <typeparam name="TKind">The member's kinds of step.</typeparam>
public abstract class OperationGenerator<TKind>(SplitMix64 rng, Weights<TKind> kinds)
{
    /// <summary>The stream every draw comes from.</summary>
    protected SplitMix64 Rng { get; } = rng;

    /// <summary>The kind of the next step.</summary>
    protected TKind NextKind() => kinds.Pick(Rng);
}
