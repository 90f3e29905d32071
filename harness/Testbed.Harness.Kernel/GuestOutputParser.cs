// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;

namespace Testbed.Harness.Kernel;

/// <summary>
/// Parses the guest program's records ("@G ..." lines, format in native/guest/guest.c).
/// Anything else (a console log around them, carriage returns from the serial line) is ignored.
/// A record that cannot be read is reported in <see cref="GuestReport.Errors"/>, not skipped.
/// </summary>
public static class GuestOutputParser
{
    private const string Tag = "@G ";

    /// <summary>Parses the whole output of one guest run.</summary>
    public static GuestReport Parse(string text)
    {
        var state = new State();
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var at = raw.IndexOf(Tag, StringComparison.Ordinal);
            if (at < 0)
                continue;
            var tok = raw[(at + Tag.Length)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (tok.Length == 0)
                continue;
            try
            {
                state.Apply(tok);
            }
            catch (FormatException e)
            {
                state.Errors.Add($"line {lineNo}: {e.Message}: {raw.Trim()}");
            }
        }

        state.CloseSequence(complete: false);
        return new GuestReport(state.WindowBase, state.WindowPages, state.Sequences, state.FinSeqs, state.FinOps,
            TimeSpan.FromMicroseconds(state.FinUsec), state.Finished, state.Errors) { VmaLock = state.VmaLock };
    }

    private sealed class State
    {
        public readonly List<GuestSequenceResult> Sequences = [];
        public readonly List<string> Errors = [];
        public ulong WindowBase;
        public int WindowPages;
        public int FinSeqs;
        public long FinOps;
        public long FinUsec;
        public bool Finished;
        public VmaLockCounts? VmaLock;

        private int seq = -1;
        private List<GuestStep> steps = [];
        private readonly List<(ulong Start, ulong End, string Perms, ulong Off, string Kind, string Policy)> pending = [];
        private IReadOnlyList<KernelVma> lastLayout = [];
        private (int Op, long Result, int Sig, int Code)? op;
        private RaceCounts? race;
        private readonly List<(ulong Start, ulong End, string Perms, ulong Off, string Kind, string Policy)> childPending = [];
        private IReadOnlyList<KernelVma>? childLayout;
        private readonly Dictionary<ulong, (long Read, int Value, long Write)> childPages = [];
        private readonly List<ForkPage> forkPages = [];

        public void Apply(string[] tok)
        {
            switch (tok[0])
            {
                case "window":
                    Need(tok, 3);
                    WindowBase = Hex(tok[1]);
                    WindowPages = Int(tok[2]);
                    break;
                case "seq":
                    Need(tok, 2);
                    CloseSequence(complete: false);
                    seq = Int(tok[1]);
                    steps = [];
                    lastLayout = [];
                    ForgetFork();
                    break;
                case "op":
                    Need(tok, 5);
                    op = (Int(tok[1]), Long(tok[2]), Int(tok[3]), Int(tok[4]));
                    race = null;
                    pending.Clear();
                    break;
                case "race":
                    Need(tok, 9);
                    race = new RaceCounts(Hex(tok[2], 10), Hex(tok[3], 10), Hex(tok[4], 10), Hex(tok[5], 10),
                        Hex(tok[6], 10), Hex(tok[7], 10), Hex(tok[8], 10));
                    break;
                case "vmalock":
                    Need(tok, 6);
                    var counts = new VmaLockCounts(Hex(tok[2], 10), Hex(tok[3], 10), Hex(tok[4], 10), Hex(tok[5], 10), 1);
                    VmaLock = VmaLock is null ? counts : VmaLock.Add(counts);
                    break;
                case "vma":
                    // the policy field came with mbind; output without it reads "default"
                    if (tok.Length != 6)
                        Need(tok, 7);
                    pending.Add((Hex(tok[1]), Hex(tok[2]), tok[3], Hex(tok[4]), tok[5], tok.Length == 7 ? tok[6] : KernelVma.DefaultPolicy));
                    break;
                case "cvma":
                    Need(tok, 7);
                    childPending.Add((Hex(tok[1]), Hex(tok[2]), tok[3], Hex(tok[4]), tok[5], tok[6]));
                    break;
                case "cdone":
                    Need(tok, 2);
                    childLayout = Canonical(childPending);
                    childPending.Clear();
                    break;
                case "cpage":
                    Need(tok, 6);
                    childPages[Hex(tok[2])] = (Long(tok[3]), Int(tok[4]), Long(tok[5]));
                    break;
                case "fpage":
                    Need(tok, 7);
                    var addr = Hex(tok[2]);
                    if (!childPages.TryGetValue(addr, out var child))
                        throw new FormatException($"parent's page 0x{addr:x} without the child's");
                    forkPages.Add(new ForkPage(addr, Long(tok[3]), Int(tok[4]), child.Read, child.Value, child.Write, Long(tok[5]), Int(tok[6])));
                    break;
                case "done":
                    Need(tok, 2);
                    lastLayout = Canonical(pending);
                    EndStep(Int(tok[1]));
                    break;
                case "same":
                    Need(tok, 2);
                    EndStep(Int(tok[1]));
                    break;
                case "endseq":
                    Need(tok, 2);
                    CloseSequence(complete: true);
                    break;
                case "fin":
                    Need(tok, 4);
                    FinSeqs = Int(tok[1]);
                    FinOps = Long(tok[2]);
                    FinUsec = Long(tok[3]);
                    Finished = true;
                    break;
                case "error":
                    Errors.Add("guest: " + string.Join(' ', tok[1..]));
                    break;
                default:
                    throw new FormatException($"unknown record '{tok[0]}'");
            }
        }

        public void CloseSequence(bool complete)
        {
            if (seq < 0)
                return;
            Sequences.Add(new GuestSequenceResult(seq, steps, complete));
            seq = -1;
        }

        private void EndStep(int k)
        {
            if (op is not { } o || o.Op != k || seq < 0)
                throw new FormatException($"layout of op {k} without its result");
            ForkReport? fork = null;
            if (childLayout is not null || forkPages.Count > 0)
            {
                if (childLayout is null || forkPages.Count != childPages.Count)
                    throw new FormatException($"fork step {k} without the child's layout or pages");
                fork = new ForkReport(childLayout, [.. forkPages]);
            }

            steps.Add(new GuestStep(k, o.Result, o.Sig, o.Code, lastLayout, race) { Fork = fork });
            op = null;
            race = null;
            ForgetFork();
        }

        private void ForgetFork()
        {
            childPending.Clear();
            childLayout = null;
            childPages.Clear();
            forkPages.Clear();
        }

        /// <summary>Numbers shared anonymous files by first appearance in address order.</summary>
        private static List<KernelVma> Canonical(List<(ulong Start, ulong End, string Perms, ulong Off, string Kind, string Policy)> raw)
        {
            var shm = new Dictionary<string, int>();
            var list = new List<KernelVma>(raw.Count);
            foreach (var (start, end, perms, off, kind, policy) in raw)
            {
                var backing = kind;
                if (kind.StartsWith("shm:", StringComparison.Ordinal))
                {
                    if (!shm.TryGetValue(kind, out var n))
                        shm[kind] = n = shm.Count;
                    backing = $"shm#{n}";
                }
                else if (kind != "anon" && !kind.StartsWith("file:", StringComparison.Ordinal))
                {
                    throw new FormatException($"unexpected backing '{kind}' in the window");
                }

                list.Add(new KernelVma(start, end, perms, off, backing, policy));
            }

            return list;
        }

        private static void Need(string[] tok, int n)
        {
            if (tok.Length != n)
                throw new FormatException($"'{tok[0]}' record has {tok.Length - 1} fields, expected {n - 1}");
        }

        private static ulong Hex(string s, int radix = 16)
        {
            var t = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? s[2..] : s;
            var style = radix == 16 ? NumberStyles.AllowHexSpecifier : NumberStyles.None;
            return ulong.TryParse(t, style, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new FormatException($"bad number '{s}'");
        }

        private static int Int(string s) => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"bad number '{s}'");

        private static long Long(string s)
        {
            if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                return (long)Hex(s);
            return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new FormatException($"bad number '{s}'");
        }
    }
}
