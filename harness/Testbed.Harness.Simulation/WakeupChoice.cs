// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// Which wake-up a bare-metal machine with a published <c>perf bench sched pipe</c> figure of
/// its family (<see cref="Machine.OwnWakeup"/>) takes (<c>simulate --wakeup</c>); every other
/// machine takes the one measured here either way. <see cref="Published"/> is the default: a
/// hand-over to a sleeper is the machine's own parameter, and the one measured here is a VM's (an
/// idle vCPU's wake passes through the hypervisor), so the bare-metal machines take their
/// family's figure, plus per sleep the exit latency of the idle state the sleeper's CPU slept in
/// (<see cref="Machine.SleeperIdleExitNs"/>), which the pipe's own short sleeps never pay.
/// <see cref="Measured"/> gives every machine the VM's hand-over, to show what the predictions
/// owe to the wake-up's price (docs/design-study.md, "The bare-metal machines' default wake-up").
/// </summary>
public enum WakeupChoice
{
    /// <summary>Every machine the wake-up measured here (<see cref="Calibration.Wakeup"/>), a VM's.</summary>
    Measured,

    /// <summary>The default: a machine with <see cref="Machine.OwnWakeup"/> that one and its idle exits, every other the measured one.</summary>
    Published,
}

/// <summary>The names of <see cref="WakeupChoice"/> in reports and on the command line.</summary>
public static class WakeupChoices
{
    /// <summary>The choice a run takes unless it names one (<see cref="WakeupChoice.Published"/>: the type's remarks say why).</summary>
    public const WakeupChoice Default = WakeupChoice.Published;

    /// <summary>Every name, as <c>--wakeup</c> accepts it.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetValues<WakeupChoice>().Select(Name)];

    /// <summary>"measured" or "published".</summary>
    public static string Name(this WakeupChoice choice) => choice switch
    {
        WakeupChoice.Measured => "measured",
        WakeupChoice.Published => "published",
        _ => throw new ArgumentOutOfRangeException(nameof(choice)),
    };

    /// <summary>The choice called <paramref name="name"/>.</summary>
    public static WakeupChoice Parse(string name) => EnumNames.Parse<WakeupChoice>(name, Name, "wake-up choice");
}
