// SPDX-License-Identifier: GPL-2.0-only
using System.Text;

namespace Testbed.Harness.Kernel;

/// <summary>
/// The outcome of one comparison run. <see cref="Matches"/> counts steps (setup included) where
/// result and layout agree exactly; <see cref="KnownDifferences"/> counts steps that agree only
/// through a named <see cref="KnownDifference"/>; <see cref="Differences"/> counts steps that
/// disagree (one per sequence: after the first difference the sequence is not compared on, and
/// its remaining steps are <see cref="Skipped"/>).
/// </summary>
public sealed record KernelComparisonReport
{
    /// <summary>The batch seed.</summary>
    public ulong Seed { get; init; }

    /// <summary>Where the sequences ran: "qemu TCG", "qemu KVM" or "host".</summary>
    public string Where { get; init; } = "";

    /// <summary>The kernel release the guest reported (empty when unknown).</summary>
    public string KernelRelease { get; init; } = "";

    /// <summary>Sequences compared.</summary>
    public int Sequences { get; init; }

    /// <summary>Steps compared (setup steps included).</summary>
    public long Operations { get; init; }

    /// <summary>Steps that agree exactly.</summary>
    public long Matches { get; init; }

    /// <summary>Steps that agree through a named rule, by rule name.</summary>
    public IReadOnlyDictionary<string, long> KnownDifferences { get; init; } = new Dictionary<string, long>();

    /// <summary>Steps that disagree.</summary>
    public long Differences { get; init; }

    /// <summary>Steps not compared because an earlier step of their sequence differed.</summary>
    public long Skipped { get; init; }

    /// <summary>mbind steps among the compared ones.</summary>
    public long Mbinds { get; init; }

    /// <summary>The later kernel's rules the model followed where 4.16's differ (<see cref="KernelRules.Describe"/>).</summary>
    public string ModelRules { get; init; } = "";

    /// <summary>
    /// With a later kernel's rules (<see cref="KernelRules.For"/>): sequences where a model with
    /// 4.16's rules would first have made another layout, by case: for 6.1's merge order the step
    /// is an mmap between neighbours that existed or that it cut off itself, of anonymous or
    /// private file memory; for 6.12's mprotect it is the mprotect that unaccounts an unwritten
    /// anonymous VMA (<see cref="KernelRules.UnaccountCase"/>).
    /// </summary>
    public IReadOnlyDictionary<string, long> RuleCases { get; init; } = new Dictionary<string, long>();

    /// <summary>Touches made by race steps, and how many ended in an unexplained signal.</summary>
    public ulong RaceTouches { get; init; }

    /// <summary>Matched touches below a MAP_GROWSDOWN VMA that expanded it.</summary>
    public long StackGrowths { get; init; }

    /// <summary>Matched touches below a MAP_GROWSDOWN VMA that both sides refused.</summary>
    public long StackRefusals { get; init; }

    /// <summary>Fork steps compared, and the pages of their ranges.</summary>
    public long Forks { get; init; }

    /// <summary>Pages of the fork steps compared (access results in parent and child, bytes read).</summary>
    public long ForkPages { get; init; }

    /// <summary>Race touches that ended in SIGBUS or an unexpected fault.</summary>
    public ulong RaceUnexpected { get; init; }

    /// <summary>The kernel's per-VMA lock statistics over the race steps (measured; null when it has none).</summary>
    public VmaLockCounts? VmaLock { get; init; }

    /// <summary>Boots (or host runs) the sequences took: 1 for one run, n for n merged shards.</summary>
    public int Boots { get; init; } = 1;

    /// <summary>From starting QEMU to the guest's "booted" marker (zero on the host), summed over the boots.</summary>
    public TimeSpan BootTime { get; init; }

    /// <summary>The guest program's own run time.</summary>
    public TimeSpan GuestRunTime { get; init; }

    /// <summary>Wall time of the whole kernel side (boot, run, power-off).</summary>
    public TimeSpan KernelWallTime { get; init; }

    /// <summary>Time the model took for the same sequences.</summary>
    public TimeSpan ModelTime { get; init; }

    /// <summary>Sequences per second inside the guest.</summary>
    public double GuestSequencesPerSecond { get; init; }

    /// <summary>The first difference of each sequence that had one.</summary>
    public IReadOnlyList<KernelMismatch> Mismatches { get; init; } = [];

    /// <summary>Problems with the run itself (guest errors, missing output).</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>
    /// Sums per-sequence outcomes (in the order given) into a report; <paramref name="runErrors"/>
    /// (problems of the run as a whole) come first among the errors. The kernel side's times are
    /// left for the caller to set.
    /// </summary>
    public static KernelComparisonReport FromSequences(ulong seed, string modelRules, IReadOnlyList<KernelSequenceOutcome> sequences,
        IEnumerable<string> runErrors)
    {
        var known = KnownDifference.CountedRules.ToDictionary(k => k.Name, _ => 0L);
        var cases = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in sequences)
        {
            foreach (var (name, n) in s.KnownDifferences)
                known[name] = known.GetValueOrDefault(name) + n;
            if (s.RuleCase is { } c)
                cases[c] = cases.GetValueOrDefault(c) + 1;
        }

        return new KernelComparisonReport
        {
            Seed = seed,
            Sequences = sequences.Count,
            Operations = sequences.Sum(s => s.Operations),
            Matches = sequences.Sum(s => s.Matches),
            KnownDifferences = known,
            Differences = sequences.Sum(s => s.Differences),
            Skipped = sequences.Sum(s => s.Skipped),
            Mbinds = sequences.Sum(s => s.Mbinds),
            StackGrowths = sequences.Sum(s => s.StackGrowths),
            StackRefusals = sequences.Sum(s => s.StackRefusals),
            Forks = sequences.Sum(s => s.Forks),
            ForkPages = sequences.Sum(s => s.ForkPages),
            ModelRules = modelRules,
            RuleCases = cases,
            RaceTouches = sequences.Aggregate(0UL, (sum, s) => sum + s.RaceTouches),
            RaceUnexpected = sequences.Aggregate(0UL, (sum, s) => sum + s.RaceUnexpected),
            ModelTime = TimeSpan.FromTicks(sequences.Sum(s => s.ModelTime.Ticks)),
            Mismatches = [.. sequences.Where(s => s.Mismatch is not null).Select(s => s.Mismatch!)],
            Errors = [.. runErrors, .. sequences.SelectMany(s => s.Errors)],
        };
    }

    /// <summary>True when every step matched (exactly or through a named rule) and nothing went wrong.</summary>
    public bool Passed => Differences == 0 && Errors.Count == 0 && RaceUnexpected == 0 && Sequences > 0;

    /// <summary>The report as a table a person reads.</summary>
    public string ToTable()
    {
        var rows = new List<(string, string)>
        {
            ("where", Where + (KernelRelease.Length > 0 ? $" ({KernelRelease})" : "")),
            ("seed", Seed.ToString()),
            ("sequences", Sequences.ToString()),
            ("operations", $"{Operations} ({Mbinds} mbind)"),
            ("matches", Matches.ToString()),
        };
        foreach (var (name, n) in KnownDifferences)
            rows.Add(($"known: {name}", n.ToString()));
        foreach (var rule in KnownDifference.ProjectionRules)
            rows.Add(($"projection: {rule.Name}", "always applied"));
        rows.Add(("differences", Differences.ToString()));
        rows.Add(("model rules", ModelRules));
        foreach (var (name, n) in RuleCases)
            rows.Add(($"  4.16 would differ: {name}", $"{n} sequences"));
        rows.Add(("skipped", Skipped.ToString()));
        rows.Add(("race touches", $"{RaceTouches} ({RaceUnexpected} unexpected)"));
        rows.Add(("stack growth (touch below MAP_GROWSDOWN)", $"{StackGrowths} expanded, {StackRefusals} refused"));
        rows.Add(("fork (child maps, pages COW-checked)", $"{Forks} forks, {ForkPages} pages"));
        if (VmaLock is not null)
            rows.Add(("kernel vma_lock_*", VmaLock.ToString()));
        rows.Add(("boot time", $"{BootTime.TotalSeconds:F2} s ({Boots} {(Boots == 1 ? "boot" : "boots")})"));
        rows.Add(("guest run time", $"{GuestRunTime.TotalSeconds:F2} s ({GuestSequencesPerSecond:F1} seq/s)"));
        rows.Add(("kernel wall time", $"{KernelWallTime.TotalSeconds:F2} s"));
        rows.Add(("model time", $"{ModelTime.TotalSeconds:F3} s"));
        var w = rows.Max(r => r.Item1.Length);
        var sb = new StringBuilder();
        foreach (var (k, v) in rows)
            sb.AppendLine($"{k.PadRight(w)}  {v}");
        foreach (var e in Errors)
            sb.AppendLine($"ERROR {e}");
        foreach (var m in Mismatches)
            sb.AppendLine(m.ToString());
        return sb.ToString();
    }
}
