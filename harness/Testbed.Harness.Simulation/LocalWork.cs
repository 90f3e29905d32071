// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// Which local work an operation costs in a simulation (<c>simulate --local</c>): the model's
/// own (<see cref="Model"/>: the perf flavour's single-thread time), or the model's plus the
/// kernel work it leaves out (<see cref="Kernel"/>: <see cref="Calibration.Local"/>). By
/// default the published machines take the kernel's, this machine and any other the model's.
/// </summary>
public enum LocalWork
{
    /// <summary>The design's own calibrated time: model(design, kind).</summary>
    Model,

    /// <summary>model(design, kind) + max(0, kernel(kind) − model(mmu, kind)).</summary>
    Kernel,
}

/// <summary>The names of <see cref="LocalWork"/> in reports and on the command line.</summary>
public static class LocalWorks
{
    /// <summary>Every name, as <c>--local</c> accepts it.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetValues<LocalWork>().Select(Name)];

    /// <summary>"model" or "kernel".</summary>
    public static string Name(this LocalWork work) => work switch
    {
        LocalWork.Model => "model",
        LocalWork.Kernel => "kernel",
        _ => throw new ArgumentOutOfRangeException(nameof(work)),
    };

    /// <summary>The local work called <paramref name="name"/>.</summary>
    public static LocalWork Parse(string name) => EnumNames.Parse<LocalWork>(name, Name, "local work");
}
