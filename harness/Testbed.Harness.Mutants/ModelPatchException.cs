// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Mutants;

/// <summary>A patched model could not be built: a patch does not apply (<see cref="Applies"/> false), or the patched sources do not compile.</summary>
public sealed class ModelPatchException(string message, bool applies) : Exception(message)
{
    /// <summary>Whether every patch applied (the failure is the build's).</summary>
    public bool Applies { get; } = applies;
}
