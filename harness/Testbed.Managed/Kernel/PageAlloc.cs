// SPDX-License-Identifier: GPL-2.0-only
// The managed counterpart of native/kernel/page_alloc.{c,h}: the page a first-touch fault installs.
namespace Testbed.Managed.Kernel;

/// <summary>
/// Per-thread lists of 4 KiB pages over one zone, as the page allocator's per-CPU lists over
/// the buddy allocator: a private write fault takes a page from its thread's list and zeroes it
/// (do_anonymous_page), the zap gives it back to the zapping thread's list; a list refills from
/// and drains to the zone a batch at a time under the zone's lock (rmqueue_bulk,
/// free_pcppages_bulk). Pages given back stay in the zone, so a steady workload allocates
/// nothing from the runtime. Only the perf flavour takes real pages (the checked flavour is
/// never timed): there <see cref="AllocZeroed"/> returns null.
/// </summary>
public static class PageAlloc
{
    /// <summary>Bytes in a page.</summary>
    public const int PageSize = 4096;

    private const int High = 512;
    private const int Batch = 64;

    private static readonly Stack<byte[]> Zone = new();
    private static readonly Lock ZoneLock = new();

    [ThreadStatic]
    private static Stack<byte[]>? pcp;

    /// <summary>A zeroed page from this thread's list (null in the checked flavour).</summary>
    public static byte[]? AllocZeroed()
    {
        if (ManagedFlavour.Checked)
            return null;
        var list = pcp ??= new Stack<byte[]>(High + 1);
        if (list.Count == 0)
            RmqueueBulk(list);
        var page = list.Pop();
        Array.Clear(page); // clear_user_highpage
        return page;
    }

    /// <summary>Gives <paramref name="page"/> back to this thread's list (null: nothing).</summary>
    public static void Free(byte[]? page)
    {
        if (page is null)
            return;
        var list = pcp ??= new Stack<byte[]>(High + 1);
        list.Push(page);
        if (list.Count > High)
            FreePcppagesBulk(list, High - Batch);
    }

    private static void RmqueueBulk(Stack<byte[]> list)
    {
        lock (ZoneLock)
        {
            for (var i = 0; i < Batch; i++)
                list.Push(Zone.TryPop(out var page) ? page : GC.AllocateUninitializedArray<byte>(PageSize));
        }
    }

    private static void FreePcppagesBulk(Stack<byte[]> list, int keep)
    {
        lock (ZoneLock)
        {
            while (list.Count > keep)
                Zone.Push(list.Pop());
        }
    }
}
