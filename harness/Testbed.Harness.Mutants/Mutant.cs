// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Managed;

namespace Testbed.Harness.Mutants;

/// <summary>
/// One catalog mutant: a native build of the model with native/mutants/&lt;name&gt;.patch applied
/// (<see cref="Native"/>; the patch's leading lines carry the same metadata, checked by
/// MutantCatalogSpecs) or a managed-port switch (<see cref="Managed"/> set), of one
/// <see cref="Config"/>. <see cref="Race"/> marks the ones that need an interleaving (a window
/// between two scheduling points) to show; the others show on any schedule.
/// <see cref="Detector"/> is the detector expected to catch it first (pct or differential).
/// </summary>
public sealed record Mutant(
    string Name,
    MutantKind Kind,
    string Area,
    string Config,
    bool Race,
    string Description,
    string Detector,
    ManagedOptions? Managed = null)
{
    /// <summary>Whether it is a native build (else a managed-port switch).</summary>
    public bool Native => Managed is null;

    /// <summary>The backend it lives in.</summary>
    public string Backend => Native ? Backends.AddressSpaceFactory.Native : Backends.AddressSpaceFactory.Managed;

    /// <summary>The patch of a native mutant: native/mutants/&lt;name&gt;.patch under <paramref name="root"/>.</summary>
    public string Patch(string root) => Path.Combine(root, "native", "mutants", Name + ".patch");

    /// <summary>Where the mutant build (<see cref="ModelPatchBuild"/>, <c>make -C native mutant</c>) puts a native mutant's libraries.</summary>
    public string Directory(string root, bool asan = false) =>
        Path.Combine(root, "build", "native", "mutants", Name + (asan ? "-asan" : ""));
}
