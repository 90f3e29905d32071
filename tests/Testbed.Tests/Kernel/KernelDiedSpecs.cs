// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Kernel;
using Xunit;

namespace Testbed.Tests.Kernel;

/// <summary>
/// When a QEMU boot is taken for the reference kernel's death (and booted again once): QEMU
/// exited 0 without /init's GUEST-EXIT marker. The consoles are cut from real ones.
/// </summary>
public sealed class KernelDiedSpecs
{
    private const string Booted = "@@TESTBED BOOTED uptime 1.69 kernel 6.12.118+deb12-amd64 cpus 2\n";
    private const string Exited = "@@TESTBED GUEST-EXIT 0 uptime 2.03\n[    2.061489] reboot: Restarting system\n";
    private const string Oops = "[    1.470000] Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI\n" +
        "[    1.471000] Kernel panic - not syncing: Attempted to kill the idle task!\n[    1.472000] Rebooting in 1 seconds..\n";

    [Fact]
    public void A_boot_whose_init_reported_the_guests_exit_did_not_die() =>
        Assert.False(GuestRunner.KernelDied(0, Booted + Exited));

    [Fact]
    public void A_guest_program_that_crashed_is_the_guests_failure_not_the_kernels() =>
        Assert.False(GuestRunner.KernelDied(0, Booted + "@@TESTBED GUEST-EXIT 139 uptime 2.50\n"));

    [Fact]
    public void A_reset_before_init_or_during_the_batch_is_the_kernels_death()
    {
        Assert.True(GuestRunner.KernelDied(0, Oops));
        Assert.True(GuestRunner.KernelDied(0, Booted + Oops));
    }

    [Theory]
    [InlineData(124)]
    [InlineData(1)]
    public void A_timeout_or_a_failed_qemu_start_is_not_taken_for_a_death(int exitCode) =>
        Assert.False(GuestRunner.KernelDied(exitCode, Booted));
}
