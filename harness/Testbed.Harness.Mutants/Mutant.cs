// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Managed;

namespace Testbed.Harness.Mutants;

/// <summary>
/// One catalog mutant: a native build with <c>-DTB_MUTANT_&lt;NAME&gt;</c> (<see cref="Native"/>)
/// or a managed-port switch (<see cref="Managed"/> set), of one <see cref="Config"/>.
/// <see cref="Race"/> marks the ones that need an interleaving (a window between two
/// scheduling points) to show; the others show on any schedule.
/// </summary>
public sealed record Mutant(
    string Name,
    MutantKind Kind,
    string Area,
    string Config,
    bool Race,
    string Description,
    ManagedOptions? Managed = null)
{
    /// <summary>Whether it is a native build (else a managed-port switch).</summary>
    public bool Native => Managed is null;

    /// <summary>The backend it lives in.</summary>
    public string Backend => Native ? Backends.AddressSpaceFactory.Native : Backends.AddressSpaceFactory.Managed;

    /// <summary>The C define of a native mutant.</summary>
    public string Define => "TB_MUTANT_" + Name.ToUpperInvariant().Replace('-', '_');

    /// <summary>Where <c>make -C native mutant</c> puts a native mutant's libraries.</summary>
    public string Directory(string root, bool asan = false) =>
        Path.Combine(root, "build", "native", "mutants", Name + (asan ? "-asan" : ""));
}
