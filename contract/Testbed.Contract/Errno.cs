// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Contract;

/// <summary>
/// The Linux errno values both backends return, negated, and their names: the one table of
/// the testbed (the interop exceptions, the managed port and the reports all read it). A test
/// compares every value with the C library's &lt;errno.h&gt; through libclang.
/// </summary>
public static class Errno
{
    /// <summary>Operation not permitted (a fixed mapping below mmap_min_addr).</summary>
    public const int EPERM = 1;
    /// <summary>No such entry.</summary>
    public const int ENOENT = 2;
    /// <summary>Bad handle or file descriptor.</summary>
    public const int EBADF = 9;
    /// <summary>Try again (madvise: a split ran out of memory).</summary>
    public const int EAGAIN = 11;
    /// <summary>Out of memory or address space.</summary>
    public const int ENOMEM = 12;
    /// <summary>Access not allowed by the VMA's rights.</summary>
    public const int EACCES = 13;
    /// <summary>Bad address (no VMA, or a hole).</summary>
    public const int EFAULT = 14;
    /// <summary>Device or resource busy.</summary>
    public const int EBUSY = 16;
    /// <summary>Already exists.</summary>
    public const int EEXIST = 17;
    /// <summary>No such device (nommu: the file cannot be mapped as asked).</summary>
    public const int ENODEV = 19;
    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;
    /// <summary>File table full.</summary>
    public const int EMFILE = 24;
    /// <summary>Reference table full.</summary>
    public const int ENOSPC = 28;
    /// <summary>Not implemented (nommu: mprotect and mbind are sys_ni_syscall).</summary>
    public const int ENOSYS = 38;
    /// <summary>Value too large (pgoff overflow).</summary>
    public const int EOVERFLOW = 75;
    /// <summary>Not supported by this config.</summary>
    public const int EOPNOTSUPP = 95;
    /// <summary>Buffer too small.</summary>
    public const int ENOBUFS = 105;

    /// <summary>Every errno of the table by name, in value order.</summary>
    public static IReadOnlyDictionary<string, int> All { get; } = new Dictionary<string, int>
    {
        [nameof(EPERM)] = EPERM,
        [nameof(ENOENT)] = ENOENT,
        [nameof(EBADF)] = EBADF,
        [nameof(EAGAIN)] = EAGAIN,
        [nameof(ENOMEM)] = ENOMEM,
        [nameof(EACCES)] = EACCES,
        [nameof(EFAULT)] = EFAULT,
        [nameof(EBUSY)] = EBUSY,
        [nameof(EEXIST)] = EEXIST,
        [nameof(ENODEV)] = ENODEV,
        [nameof(EINVAL)] = EINVAL,
        [nameof(EMFILE)] = EMFILE,
        [nameof(ENOSPC)] = ENOSPC,
        [nameof(ENOSYS)] = ENOSYS,
        [nameof(EOVERFLOW)] = EOVERFLOW,
        [nameof(EOPNOTSUPP)] = EOPNOTSUPP,
        [nameof(ENOBUFS)] = ENOBUFS,
    };

    private static readonly Dictionary<long, string> Names = All.ToDictionary(e => (long)e.Value, e => e.Key);

    /// <summary>The symbolic name of an errno, positive or negated: "ENOMEM", or "errno 42" when unknown.</summary>
    public static string Name(long errno)
    {
        var e = Math.Abs(errno);
        return Names.TryGetValue(e, out var name) ? name : $"errno {e}";
    }

    /// <summary>Formats a kernel-style result: a value, or "-ENAME".</summary>
    public static string Format(long result) => result < 0 ? "-" + Name(result) : $"0x{result:x}";
}
