// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// Which wake-up a bare-metal machine with a published <c>perf bench sched pipe</c> figure of
/// its family (<see cref="Machine.OwnWakeup"/>) takes (<c>simulate --wakeup</c>); every other
/// machine takes the one measured here either way. <see cref="Measured"/> is the default: a
/// pipe ping-pong keeps its two CPUs busy in turns (each task sleeps only for the other's half
/// of a round trip, about 2 µs on the Cascade Lake), so its wake-up never leaves a shallow idle
/// state, while a sleeper on mmap_sem sleeps long enough for its CPU to idle deeper (a C-state's
/// exit latency, an IPI to an idle CPU): the pipe figure bounds such a hand-over from below, it
/// is not its cost. <see cref="Published"/> takes it all the same, plus per sleep the exit
/// latency of the idle state the sleeper's CPU slept in (<see cref="Machine.SleeperIdleExitNs"/>),
/// to show what the predictions owe to the wake-up's price.
/// </summary>
public enum WakeupChoice
{
    /// <summary>Every machine the wake-up measured here (<see cref="Calibration.Wakeup"/>).</summary>
    Measured,

    /// <summary>A machine with <see cref="Machine.OwnWakeup"/> that one, every other the measured one.</summary>
    Published,
}

/// <summary>The names of <see cref="WakeupChoice"/> in reports and on the command line.</summary>
public static class WakeupChoices
{
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
