// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Simulation;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// The machines' topologies: how the OS numbers CPUs (x86 Linux: every core before a core's
/// second thread; POWER Linux: a core's threads consecutive), which core and socket a CPU is
/// on, and what a line transfer costs between two CPUs: nothing on one CPU, the sibling cost
/// on one core, the socket's cost on one socket, the cross-socket cost otherwise.
/// </summary>
public sealed class TopologySpecs
{
    [Fact]
    public void X86_numbering_puts_every_core_before_the_second_thread_of_any()
    {
        var skl = Machines.SkylakeSp4x192.Topology;

        Assert.Equal((4, 24, 2, 96, 192), (skl.Sockets, skl.CoresPerSocket, skl.ThreadsPerCore, skl.Cores, skl.Cpus));
        Assert.Equal((0, 0, 0), (skl.CoreOf(0), skl.ThreadOf(0), skl.SocketOf(0)));
        Assert.Equal((23, 0), (skl.CoreOf(23), skl.SocketOf(23)));
        Assert.Equal((24, 1), (skl.CoreOf(24), skl.SocketOf(24)));
        Assert.Equal((95, 0, 3), (skl.CoreOf(95), skl.ThreadOf(95), skl.SocketOf(95)));
        // CPU 96 is core 0's second thread: back in socket 0.
        Assert.Equal((0, 1, 0), (skl.CoreOf(96), skl.ThreadOf(96), skl.SocketOf(96)));
        Assert.Equal((24, 1, 1), (skl.CoreOf(120), skl.ThreadOf(120), skl.SocketOf(120)));
        Assert.Equal((95, 1, 3), (skl.CoreOf(191), skl.ThreadOf(191), skl.SocketOf(191)));

        var icl = Machines.IceLake2x128.Topology;
        Assert.Equal((2, 32, 2, 128), (icl.Sockets, icl.CoresPerSocket, icl.ThreadsPerCore, icl.Cpus));
        // 48 threads: cores 0-31 of socket 0 and 32-47 of socket 1, no core shared.
        Assert.Equal(32, Enumerable.Range(0, 48).Count(c => icl.SocketOf(c) == 0));
        Assert.Equal(48, Enumerable.Range(0, 48).Select(icl.CoreOf).Distinct().Count());
    }

    [Fact]
    public void Power_numbering_keeps_the_threads_of_a_core_together()
    {
        var p8 = Machines.Power8x80.Topology;

        Assert.Equal((1, 10, 8, 80), (p8.Sockets, p8.CoresPerSocket, p8.ThreadsPerCore, p8.Cpus));
        Assert.Equal((0, 7), (p8.CoreOf(7), p8.ThreadOf(7)));
        Assert.Equal((1, 0), (p8.CoreOf(8), p8.ThreadOf(8)));
        Assert.Equal((9, 7, 0), (p8.CoreOf(79), p8.ThreadOf(79), p8.SocketOf(79)));
    }

    [Fact]
    public void A_transfer_costs_the_sibling_the_socket_or_the_cross_socket_figure()
    {
        var skl = Machines.SkylakeSp4x192;
        Assert.Equal(0, skl.Transfer(5, 5));
        Assert.Equal(7.6, skl.Transfer(0, 96));
        Assert.Equal(7.6, skl.Transfer(191, 95));
        Assert.Equal(47, skl.Transfer(0, 23));
        Assert.Equal(47, skl.Transfer(0, 119)); // core 23's second thread: the same socket
        Assert.Equal(134, skl.Transfer(0, 24));
        Assert.Equal(134, skl.Transfer(96, 191));

        var p8 = Machines.Power8x80;
        Assert.Equal(70, p8.Transfer(0, 7));
        Assert.Equal(173, p8.Transfer(7, 8));

        var icl = Machines.IceLake2x128;
        Assert.Equal(8.1, icl.Transfer(3, 67));
        Assert.Equal(51, icl.Transfer(0, 31));
        Assert.Equal(108, icl.Transfer(31, 32));

        // The machines without SMT: every CPU a core.
        Assert.Equal(44, Machines.X86Vm16.Transfer(0, 15));
        Assert.Equal(0, skl.WithoutTransfers().Transfer(0, 96) + skl.WithoutTransfers().Transfer(0, 24));
    }

    [Fact]
    public void A_machine_without_smt_numbers_its_sockets_in_order()
    {
        var eight = new Machine("test", 8, 2, 50, 120, "test values");

        Assert.Equal((2, 4, 1), (eight.Topology.Sockets, eight.Topology.CoresPerSocket, eight.Topology.ThreadsPerCore));
        Assert.Equal(0, eight.SocketOf(3));
        Assert.Equal(1, eight.SocketOf(4));
        Assert.Equal(50, eight.Transfer(0, 3));
        Assert.Equal(120, eight.Transfer(3, 4));
        Assert.Equal(0, eight.SiblingNs);
    }

    [Fact]
    public void A_machine_grows_cores_to_hold_more_cpus_and_keeps_its_smt()
    {
        var smt = new Machine("test", new Topology(1, 1, 2, CpuNumbering.CoresFirst, "test values"), 5, 50, 120, "test values");

        var wider = smt.WithAtLeast(4);

        Assert.Same(smt, smt.WithAtLeast(2));
        Assert.Equal((1, 2, 2, 4), (wider.Sockets, wider.Topology.CoresPerSocket, wider.Topology.ThreadsPerCore, wider.Cpus));
        Assert.Equal(5, wider.Transfer(0, 2));
        Assert.Equal(50, wider.Transfer(0, 1));
    }

    [Fact]
    public void A_cpu_outside_the_machine_or_a_topology_without_cores_is_refused()
    {
        var skl = Machines.SkylakeSp4x192;

        Assert.Throws<ArgumentOutOfRangeException>(() => skl.Transfer(0, 192));
        Assert.Throws<ArgumentOutOfRangeException>(() => skl.Topology.CoreOf(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Topology(1, 0, 2, CpuNumbering.CoresFirst, "-"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Topology(1, 4, 0, CpuNumbering.CoresFirst, "-"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Topology.OneThreadPerCore(6, 4, "-"));
    }
}
