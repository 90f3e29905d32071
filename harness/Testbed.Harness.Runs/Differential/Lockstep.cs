// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Differential;

/// <summary>
/// The comparison engine of every differential here: the native/managed differential
/// (<see cref="SequentialDifferential"/>), the nommu A/B (<c>AbRunner</c>) and the model/kernel
/// comparison (<c>ModelComparer</c>). Both sides run the same step; then what each shows of
/// itself (a <typeparamref name="TView"/>) goes through the checks in order, and the first
/// check that finds them apart names the divergence. What a runner keeps of its own lies
/// outside: the A/B's failure injection, the kernel comparison's named differences.
/// </summary>
/// <typeparam name="TView">What one side shows after a step: the result and the state the checks read.</typeparam>
public sealed class Lockstep<TView>
{
    private readonly IReadOnlyList<Check> _checks;

    /// <summary>An engine that runs <paramref name="checks"/> in this order.</summary>
    public Lockstep(params IReadOnlyList<Check> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        _checks = checks;
    }

    /// <summary>The first divergence of step <paramref name="index"/> (<paramref name="what"/>); null when every check agrees.</summary>
    public Divergence? First(int index, string what, TView left, TView right)
    {
        foreach (var check in _checks)
        {
            if (check.Compare(left, right) is { } found)
                return new Divergence(index, what, found.Kind ?? check.Kind, found.Left, found.Right, found.Detail);
        }

        return null;
    }

    /// <summary>Every check that finds the two views apart, in order.</summary>
    public IReadOnlyList<DivergenceKind> All(TView left, TView right) =>
        _checks.Select(c => c.Compare(left, right) is { } found ? found.Kind ?? c.Kind : (DivergenceKind?)null)
            .OfType<DivergenceKind>().ToArray();

    /// <summary>One check: the part of the state it compares, and the comparison (null: the sides agree).</summary>
    public sealed record Check(DivergenceKind Kind, Func<TView, TView, Finding?> Compare);

    /// <summary>
    /// What a check found: each side's value, a readable diff and, where the finding is a
    /// narrower kind than the check's, that kind.
    /// </summary>
    public readonly record struct Finding(string Left, string Right, string Detail, DivergenceKind? Kind = null);
}
