// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Tests.Harness;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Testbed.Tests.Isolation;

/// <summary>The isolation of native-driving specs: a crash or a failure in the child is this test's failure, the host lives on.</summary>
public sealed class IsolatedSpecSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task A_native_crash_in_an_isolated_body_fails_that_test_with_the_signal_and_the_host_lives_on()
    {
        var failure = await Assert.ThrowsAsync<FailException>(() => IsolatedSpec.RunAsync(output, typeof(IsolatedSpecSpecs), nameof(CrashingBody), 1));

        Assert.Contains("crashed its process", failure.Message);
        Assert.Contains("SIGSEGV", failure.Message);
    }

    [Fact]
    public async Task A_failed_assertion_in_an_isolated_body_is_reported_with_its_message()
    {
        var failure = await Assert.ThrowsAsync<FailException>(() => IsolatedSpec.RunAsync(output, typeof(IsolatedSpecSpecs), nameof(FailingBody), "seed 42"));

        Assert.Contains("failed in its process", failure.Message);
        Assert.Contains("expected seed 42", failure.Message);
    }

    [Fact]
    public Task A_passing_isolated_body_passes() =>
        IsolatedSpec.RunAsync(output, typeof(IsolatedSpecSpecs), nameof(PassingBody), "mmu-spf", 3);

    /// <summary>Crashes in native code through the test-only crash hook.</summary>
    private static void CrashingBody(int how) => CrashHook.Crash(how);

    /// <summary>Fails an assertion.</summary>
    private static void FailingBody(string text) => Assert.Fail("expected " + text);

    /// <summary>Checks that its arguments arrived.</summary>
    private static void PassingBody(string config, int count)
    {
        Assert.Equal("mmu-spf", config);
        Assert.Equal(3, count);
    }
}
