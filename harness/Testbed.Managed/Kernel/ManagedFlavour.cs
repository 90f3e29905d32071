// SPDX-License-Identifier: GPL-2.0-only
// The managed counterpart of native/Makefile's flavours: checked (the default) or perf.
namespace Testbed.Managed.Kernel;

/// <summary>
/// Which flavour of the managed port this process runs, chosen once per process by
/// $TESTBED_MANAGED_FLAVOUR ("perf" or unset/"checked"), as the native flavour is chosen
/// per library at build time. In the perf flavour lockdep-lite, the scheduling hook, the
/// use-after-free marks' checks and the event log are off, and WARN/BUG still record.
/// <see cref="Checked"/> is a static readonly field, which the JIT treats as a constant in
/// optimized code: the checks are compiled out, not skipped at run time.
/// </summary>
public static class ManagedFlavour
{
    /// <summary>The environment variable that selects the flavour.</summary>
    public const string Variable = "TESTBED_MANAGED_FLAVOUR";

    /// <summary>The perf flavour's name.</summary>
    public const string Perf = "perf";

    /// <summary>The checked flavour's name.</summary>
    public const string CheckedName = "checked";

    /// <summary>True unless the process runs the perf flavour.</summary>
    public static readonly bool Checked =
        !string.Equals(Environment.GetEnvironmentVariable(Variable), Perf, StringComparison.Ordinal);

    /// <summary>"checked" or "perf".</summary>
    public static string Name => Checked ? CheckedName : Perf;
}
