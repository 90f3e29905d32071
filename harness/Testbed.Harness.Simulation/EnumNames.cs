// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>A command-line choice's value looked up by its name (<c>--local</c>, <c>--wakeup</c>).</summary>
internal static class EnumNames
{
    /// <summary>
    /// The value of <typeparamref name="T"/> that <paramref name="nameOf"/> calls
    /// <paramref name="name"/>; otherwise an <see cref="ArgumentException"/> naming
    /// <paramref name="what"/> and every known name.
    /// </summary>
    public static T Parse<T>(string name, Func<T, string> nameOf, string what)
        where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
        {
            if (nameOf(value) == name)
                return value;
        }
        var known = string.Join(", ", Enum.GetValues<T>().Select(nameOf));
        throw new ArgumentException($"unknown {what} '{name}'; known: {known}", nameof(name));
    }
}
