// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Contract;

/// <summary>The Linux errno values the model returns (negated) on failure.</summary>
public static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EBADF = 9;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EFAULT = 14;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int EMFILE = 24;
    public const int ENOSPC = 28;
    public const int ENOSYS = 38;
    public const int EOVERFLOW = 75;
    public const int EOPNOTSUPP = 95;
    public const int ENOBUFS = 105;

    /// <summary>The symbolic name of an errno (positive or negated), e.g. "ENOMEM".</summary>
    public static string Name(long errno) => Math.Abs(errno) switch
    {
        EPERM => nameof(EPERM),
        ENOENT => nameof(ENOENT),
        EBADF => nameof(EBADF),
        ENOMEM => nameof(ENOMEM),
        EACCES => nameof(EACCES),
        EFAULT => nameof(EFAULT),
        EBUSY => nameof(EBUSY),
        EEXIST => nameof(EEXIST),
        ENODEV => nameof(ENODEV),
        EINVAL => nameof(EINVAL),
        EMFILE => nameof(EMFILE),
        ENOSPC => nameof(ENOSPC),
        ENOSYS => nameof(ENOSYS),
        EOVERFLOW => nameof(EOVERFLOW),
        EOPNOTSUPP => nameof(EOPNOTSUPP),
        ENOBUFS => nameof(ENOBUFS),
        var e => $"errno {e}",
    };

    /// <summary>Formats a kernel-style result: a value, or "-ENAME".</summary>
    public static string Format(long result) => result < 0 ? "-" + Name(result) : $"0x{result:x}";
}
