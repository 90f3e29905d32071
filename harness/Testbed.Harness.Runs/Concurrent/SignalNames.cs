// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Concurrent;

/// <summary>Linux signal numbers and names, for crash reports.</summary>
public static class SignalNames
{
    private static readonly (int Number, string Name)[] Known =
    [
        (4, "SIGILL"), (5, "SIGTRAP"), (6, "SIGABRT"), (7, "SIGBUS"), (8, "SIGFPE"),
        (9, "SIGKILL"), (11, "SIGSEGV"), (13, "SIGPIPE"), (15, "SIGTERM"),
    ];

    /// <summary>"SIGSEGV" for 11, "signal N" for one not listed.</summary>
    public static string Name(int signal)
    {
        foreach (var (number, name) in Known)
        {
            if (number == signal)
                return name;
        }

        return $"signal {signal}";
    }

    /// <summary>The number of a name such as "SIGSEGV", or null.</summary>
    public static int? Number(string name)
    {
        foreach (var (number, known) in Known)
        {
            if (known == name)
                return number;
        }

        return null;
    }
}
