// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Interop;

/// <summary>The Linux errno values the native model returns, negated, and their names.</summary>
public static class NativeErrno
{
    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;
    /// <summary>No such entry.</summary>
    public const int ENOENT = 2;
    /// <summary>Bad handle or file descriptor.</summary>
    public const int EBADF = 9;
    /// <summary>Out of memory or address space.</summary>
    public const int ENOMEM = 12;
    /// <summary>Access not allowed by the VMA's rights.</summary>
    public const int EACCES = 13;
    /// <summary>Bad address (no VMA, or a hole).</summary>
    public const int EFAULT = 14;
    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;
    /// <summary>File table full.</summary>
    public const int EMFILE = 24;
    /// <summary>Reference table full.</summary>
    public const int ENOSPC = 28;
    /// <summary>Value too large (pgoff overflow).</summary>
    public const int EOVERFLOW = 75;
    /// <summary>Not supported by this config.</summary>
    public const int EOPNOTSUPP = 95;
    /// <summary>Buffer too small.</summary>
    public const int ENOBUFS = 105;

    /// <summary>The symbolic name of an errno, positive or negated: "EINVAL", or "errno 42" when unknown.</summary>
    public static string Name(long errno) => Math.Abs(errno) switch
    {
        EPERM => nameof(EPERM),
        ENOENT => nameof(ENOENT),
        EBADF => nameof(EBADF),
        ENOMEM => nameof(ENOMEM),
        EACCES => nameof(EACCES),
        EFAULT => nameof(EFAULT),
        EINVAL => nameof(EINVAL),
        EMFILE => nameof(EMFILE),
        ENOSPC => nameof(ENOSPC),
        EOVERFLOW => nameof(EOVERFLOW),
        EOPNOTSUPP => nameof(EOPNOTSUPP),
        ENOBUFS => nameof(ENOBUFS),
        var e => $"errno {e}",
    };
}
