// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Scheduling;

/// <summary>
/// A small named concurrency scenario for controlled exploration: <see cref="Start"/> sets
/// up a fresh mm (unscheduled) and returns one body per thread; after the bodies ran, the
/// end state must pass <see cref="EndState.Check"/> plus the scenario's own
/// <see cref="Check"/>, which also gets the controlled run's decisions (null for
/// uncontrolled threads), so it may ask what the interleaving implies. <see cref="Operations"/> counts the operations one run executes.
/// <see cref="Designs"/> lists the other configs it runs on unchanged (null: only <see cref="Config"/>);
/// <see cref="ScenarioCatalog.OnConfig"/> moves it there. A scenario with
/// <see cref="StartWithPeer"/> runs on two mms of its config (a second process), set up
/// and given its bodies by that function instead of <see cref="Start"/>; the peer's end
/// state is checked too.
/// </summary>
public sealed record PctScenario(
    string Name,
    string Config,
    string Explores,
    int Operations,
    Func<IAddressSpace, IReadOnlyList<Action>> Start,
    Func<IAddressSpace, ControlledRun?, IEnumerable<string>>? Check = null,
    IReadOnlyList<string>? Designs = null,
    Func<IAddressSpace, IAddressSpace, IReadOnlyList<Action>>? StartWithPeer = null)
{
    /// <summary>
    /// Sets the scenario up on <paramref name="mm"/>, and on a peer mm from
    /// <paramref name="createPeer"/> when it has one; the bodies and the peer (null: none).
    /// </summary>
    public (IReadOnlyList<Action> Bodies, IAddressSpace? Peer) Begin(IAddressSpace mm, Func<IAddressSpace> createPeer)
    {
        ArgumentNullException.ThrowIfNull(createPeer);
        if (StartWithPeer is null)
            return (Start(mm), null);
        var peer = createPeer();
        try
        {
            return (StartWithPeer(mm, peer), peer);
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }
}
