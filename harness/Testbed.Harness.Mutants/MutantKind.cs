// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Mutants;

/// <summary>What a mutant breaks.</summary>
public enum MutantKind
{
    /// <summary>The SPF locking protocol: lock placement, references, sequence counts, node clearing, free paths, region references.</summary>
    Protocol,

    /// <summary>The model's fidelity to 4.16: merge rules, accounting.</summary>
    Fidelity,
}
