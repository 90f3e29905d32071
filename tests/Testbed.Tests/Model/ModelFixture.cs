// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Managed;
using Xunit;

namespace Testbed.Tests.Model;

/// <summary>
/// What the model specs share: the backend × config matrix, a page-numbered test window,
/// exact layout descriptions and the health check run after every step.
/// Pictures in the specs use one character per page of the window: `0123456789` on top,
/// then one letter per VMA (`AA B  CC`), blank = hole.
/// </summary>
internal static class ModelFixture
{
    public const ulong Page = 4096;

    /// <summary>The base of the test window; page n of the window is Base + n * Page.</summary>
    public const ulong Base = 0x200000000UL;

    /// <summary>mmap_base: the top of the top-down search (docs/model.md, Geometry).</summary>
    public const ulong MmapBase = 0x7f0000000000UL;

    public const ulong TaskSize = 0x7ffffffff000UL;

    public const Prot R = Prot.Read;
    public const Prot RW = Prot.Read | Prot.Write;
    public const Prot RX = Prot.Read | Prot.Exec;
    public const Prot RWX = Prot.Read | Prot.Write | Prot.Exec;

    private const VmFlags May = VmFlags.MayRead | VmFlags.MayWrite | VmFlags.MayExec;

    /// <summary>Every (backend, config) pair of the mmu model (the registry's shipped mmu configs).</summary>
    public static TheoryData<string, string> All => Pairs(mmu: true);

    /// <summary>Every (backend, config) pair of the nommu model (the registry's shipped nommu configs).</summary>
    public static TheoryData<string, string> Nommu => Pairs(mmu: false);

    private static TheoryData<string, string> Pairs(bool mmu)
    {
        var pairs = new TheoryData<string, string>();
        foreach (var backend in AddressSpaceFactory.Backends)
        {
            foreach (var config in ConfigRegistry.All.Where(c => c.Mmu == mmu && !c.TestOnly))
                pairs.Add(backend, config.Name);
        }
        return pairs;
    }

    /// <summary>Every (backend, config) pair of <see cref="All"/> with each case's arguments after it.</summary>
    public static IEnumerable<object[]> AllWith(params object[][] cases) =>
        from row in All from args in cases select row.Concat(args).ToArray();

    /// <summary>The pairs with CONFIG_SPECULATIVE_PAGE_FAULT (the refcount protocol).</summary>
    public static TheoryData<string> Backends => new() { AddressSpaceFactory.Native, AddressSpaceFactory.Managed };

    /// <summary>
    /// A fresh mm of two threads (the specs' faults come from one, the other is idle): the
    /// series tries the speculative path only for a multithreaded mm.
    /// </summary>
    public static IAddressSpace Create(string backend, string config, MmFlags flags = MmFlags.None, ManagedOptions? options = null)
    {
        var mm = CreateSingleThreaded(backend, config, flags, options);
        Assert.Equal(0, mm.SetThreads(2));
        return mm;
    }

    /// <summary>A fresh mm as tb_mm_create makes it: one thread (mm_users 1).</summary>
    public static IAddressSpace CreateSingleThreaded(string backend, string config, MmFlags flags = MmFlags.None,
        ManagedOptions? options = null) => backend switch
    {
        AddressSpaceFactory.Native => new NativeAddressSpace(config, flags),
        AddressSpaceFactory.Managed => new ManagedAddressSpace(config, options, flags),
        _ => throw new ArgumentException($"unknown backend {backend}", nameof(backend)),
    };

    public static ulong P(int page) => Base + ((ulong)page * Page);

    public static ulong Pages(int n) => (ulong)n * Page;

    /// <summary>The page number in the window of an address.</summary>
    public static long PageOf(ulong addr) => ((long)addr - (long)Base) / (long)Page;

    /// <summary>vm_flags of a mapping with <paramref name="prot"/>: VM_R/W/X | MAY*, plus the extras.</summary>
    public static VmFlags Vm(Prot prot, bool account = false, bool shared = false) =>
        (VmFlags)(ulong)prot | May | (account ? VmFlags.Account : 0) |
        (shared ? VmFlags.Shared | VmFlags.MayShare : 0);

    /// <summary>A private anonymous mapping as mmap makes it: VM_ACCOUNT when writable.</summary>
    public static VmFlags PrivAnon(Prot prot) => Vm(prot, account: (prot & Prot.Write) != 0);

    /// <summary>MAP_FIXED|MAP_PRIVATE|MAP_ANONYMOUS at window page <paramref name="page"/>.</summary>
    public static long MapAnon(this IAddressSpace mm, int page, int pages, Prot prot) =>
        mm.Execute(Operation.Mmap(P(page), Pages(pages), prot, MapFlags.Fixed | MapFlags.Private | MapFlags.Anonymous));

    /// <summary>MAP_FIXED|MAP_SHARED|MAP_ANONYMOUS at window page <paramref name="page"/>.</summary>
    public static long MapSharedAnon(this IAddressSpace mm, int page, int pages, Prot prot) =>
        mm.Execute(Operation.Mmap(P(page), Pages(pages), prot, MapFlags.Fixed | MapFlags.Shared | MapFlags.Anonymous));

    /// <summary>MAP_FIXED file mapping of <paramref name="fd"/> at file page <paramref name="pgoff"/>.</summary>
    public static long MapFile(this IAddressSpace mm, int page, int pages, Prot prot, int fd, ulong pgoff, bool shared = false) =>
        mm.Execute(Operation.Mmap(P(page), Pages(pages), prot, MapFlags.Fixed | (shared ? MapFlags.Shared : MapFlags.Private), fd, pgoff));

    public static long Munmap(this IAddressSpace mm, int page, int pages) => mm.Execute(Operation.Munmap(P(page), Pages(pages)));

    public static long Mprotect(this IAddressSpace mm, int page, int pages, Prot prot) =>
        mm.Execute(Operation.Mprotect(P(page), Pages(pages), prot));

    public static long Mbind(this IAddressSpace mm, int page, int pages, MpolMode mode) =>
        mm.Execute(Operation.Mbind(P(page), Pages(pages), mode));

    public static long Fault(this IAddressSpace mm, int page, FaultFlags flags = FaultFlags.Read) =>
        mm.Execute(Operation.Fault(P(page), flags));

    public static int OpenFile(this IAddressSpace mm, int pages)
    {
        var fd = mm.Execute(Operation.FileOpen(Pages(pages), FileFlags.None));
        Assert.True(fd >= 0, $"file_open: {Errno.Format(fd)}");
        return (int)fd;
    }

    /// <summary>Asserts an operation succeeded (0 or the mapped address).</summary>
    public static void Ok(long result, string what)
    {
        Assert.True(result >= 0, $"{what}: {Errno.Format(result)}");
    }

    /// <summary>The layout as window page ranges, e.g. "0-4 4-8" (what a test checks when it needs no more).</summary>
    public static string Layout(this IAddressSpace mm) =>
        string.Join(' ', mm.Snapshot().Select(v => $"{PageOf(v.Start)}-{PageOf(v.End)}"));

    /// <summary>The VMA covering window page <paramref name="page"/>.</summary>
    public static VmaInfo At(this IAddressSpace mm, int page) =>
        mm.Snapshot().Single(v => v.Start <= P(page) && P(page) < v.End);

    /// <summary>One line per VMA: the fields a layout check compares (ids, refcounts, sequences left out).</summary>
    public static string Describe(VmaInfo v) =>
        $"[{PageOf(v.Start)},{PageOf(v.End)}) {v.Flags} pgoff=0x{v.PgOff:x} file={v.FileId} pol={v.Policy} pop={v.Populated} anon={(v.HasAnonVma ? 1 : 0)}";

    /// <summary>An expected VMA: window pages [from, to).</summary>
    public static string Vma(int from, int to, VmFlags flags, ulong pgoff, ulong file = 0,
        MpolMode policy = MpolMode.Default, uint populated = 0, bool anon = false) =>
        Describe(new VmaInfo(0, P(from), P(to), pgoff, flags, file, 0, policy, 0, populated, anon, true, 0));

    /// <summary>
    /// A private anonymous VMA over [from, to) whose pgoff is the address of <paramref name="pgoffPage"/>
    /// (the page where the mapping that created it started; defaults to <paramref name="from"/>).
    /// </summary>
    public static string Anon(int from, int to, VmFlags flags, int? pgoffPage = null,
        MpolMode policy = MpolMode.Default, uint populated = 0, bool anon = false) =>
        Vma(from, to, flags, P(pgoffPage ?? from) >> 12, 0, policy, populated, anon);

    /// <summary>
    /// The exact layout: every VMA in the tree, in order, compared line by line; then the
    /// health check (Validate() == 0, no violation) and the tree-side invariants.
    /// </summary>
    public static void AssertLayout(this IAddressSpace mm, params string[] expected)
    {
        var snap = mm.Snapshot();
        Assert.Equal(string.Join('\n', expected), string.Join('\n', snap.Select(Describe)));
        Assert.All(snap, v => Assert.True(v.InTree, $"snapshot VMA {v.Id} not in tree"));
        Assert.All(snap, v => Assert.Equal(mm.Config.VmaRefs ? 1 : 0, v.RefCount));
        var stats = mm.GetStats();
        Assert.Equal((ulong)snap.Count, stats.MapCount);
        Assert.Equal((ulong)snap.Sum(v => v.Populated), stats.PopulatedPages);
        mm.AssertHealthy();
    }

    /// <summary>Validate() finds nothing and no violation was ever recorded.</summary>
    public static void AssertHealthy(this IAddressSpace mm)
    {
        var problems = mm.Validate();
        var violations = mm.Violations();
        Assert.True(problems == 0 && violations.Count == 0,
            $"{mm.Backend}/{mm.Config.Name}: validate {problems}, violations:\n{string.Join('\n', violations)}");
    }

    /// <summary>Events as "Op Type obj value" lines, ids relative to <paramref name="firstId"/> - 1 when given.</summary>
    public static string[] Lines(IEnumerable<LifecycleEvent> events) =>
        events.Select(e => $"{e.Op} {e.Type} {e.ObjectId} {e.Value}").ToArray();

    public static string Ev(OpKind op, EventType type, ulong id, long value = 0) => $"{op} {type} {id} {value}";
}
