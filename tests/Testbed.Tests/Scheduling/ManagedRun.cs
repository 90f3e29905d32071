// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Backends;
using Testbed.Harness.Scheduling;
using Testbed.Managed.Kernel;
using Xunit;

namespace Testbed.Tests.Scheduling;

/// <summary>
/// A controlled run of the managed port's own kernel types (locks, page work) on the mmu
/// config's scheduling hooks, which the specs that drive them directly share: it must keep
/// control and no thread may fail.
/// </summary>
internal static class ManagedRun
{
    /// <summary>
    /// Runs <paramref name="bodies"/> under <paramref name="strategy"/>, with
    /// <paramref name="pageWork"/> as the page-work hook for the run (null: none); asserts
    /// that the scheduler kept control and every body returned.
    /// </summary>
    public static ControlledRun Clean(IReadOnlyList<Action> bodies, ISchedulingStrategy strategy, Action<PageEvent>? pageWork = null)
    {
        ControlledRun run;
        using (PageWork.Install(pageWork))
        using (SchedulerHooks.Install(AddressSpaceFactory.Managed, "mmu"))
            run = ControlledScheduler.Run(bodies, strategy);
        Assert.Null(run.SchedulerFailure);
        Assert.All(run.Errors, e => Assert.Null(e));
        return run;
    }
}
