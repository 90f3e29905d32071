// SPDX-License-Identifier: GPL-2.0-only
using Xunit;

namespace Testbed.Tests.Kernel;

/// <summary>
/// The tests that boot QEMU call <see cref="Check"/> first: when scripts/build-and-test.sh
/// could not install the QEMU packages it sets TESTBED_QEMU_UNAVAILABLE to the reason,
/// and these tests fail with it (counted, by name) while every other test runs.
/// </summary>
internal static class QemuRequirement
{
    /// <summary>The variable holding why QEMU cannot run here.</summary>
    public const string Variable = "TESTBED_QEMU_UNAVAILABLE";

    /// <summary>Fails the calling test when QEMU is known to be unavailable.</summary>
    public static void Check()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } reason)
            Assert.Fail($"QEMU is not available here: {reason}");
    }
}
