// SPDX-License-Identifier: GPL-2.0-only
using Xunit;

namespace Testbed.Tests.Interleaving;

/// <summary>
/// The scheduling hook is process-global on both backends, so the interleaving specs run
/// alone: no other test's threads may reach an installed gate.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InterleavingCollection
{
    /// <summary>The collection name the interleaving specs join.</summary>
    public const string Name = "Interleaving (global scheduling hook)";
}
