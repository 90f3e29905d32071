// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.CommandLine.Parsing;

namespace Testbed.CommandLine;

/// <summary>
/// Range validators attached to options, so bad values fail when the command line is parsed.
/// One source compiled into both programs that parse one: the testbed CLI and its worker.
/// </summary>
internal static class OptionRules
{
    /// <summary>The value must be at least <paramref name="min"/>.</summary>
    public static Option<int> AtLeast(Option<int> option, int min)
    {
        option.Validators.Add(r =>
        {
            if (TryGet(r, out int v) && v < min)
                r.AddError($"{option.Name} must be at least {min} (got {v})");
        });
        return option;
    }

    /// <summary>The value, when given, must be at least <paramref name="min"/>.</summary>
    public static Option<int?> AtLeast(Option<int?> option, int min)
    {
        option.Validators.Add(r =>
        {
            if (TryGet(r, out int? value) && value is { } v && v < min)
                r.AddError($"{option.Name} must be at least {min} (got {v})");
        });
        return option;
    }

    /// <summary>The value must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Between(Option<int> option, int min, int max)
    {
        option.Validators.Add(r =>
        {
            if (TryGet(r, out int v) && (v < min || v > max))
                r.AddError($"{option.Name} must be {min}..{max} (got {v})");
        });
        return option;
    }

    /// <summary>The value, when given, must be a finite number above zero.</summary>
    public static Option<double?> Positive(Option<double?> option)
    {
        option.Validators.Add(r =>
        {
            if (TryGet(r, out double? value) && value is { } v && !(v > 0 && double.IsFinite(v)))
                r.AddError($"{option.Name} must be a number of seconds above 0 (got {v})");
        });
        return option;
    }

    /// <summary>At least one value, each within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int[]> EachBetween(Option<int[]> option, int min, int max)
    {
        option.Validators.Add(r =>
        {
            if (!TryGet(r, out int[]? values))
                return;
            values ??= [];
            if (values.Length == 0)
                r.AddError($"{option.Name} needs at least one value");
            foreach (var v in values.Where(v => v < min || v > max))
                r.AddError($"{option.Name} values must be {min}..{max} (got {v})");
        });
        return option;
    }

    /// <summary>
    /// The value (explicit or default) of another option, seen from a command validator:
    /// <paramref name="fallback"/> when the option was not given.
    /// </summary>
    public static T ValueOr<T>(CommandResult result, Option<T> option, T fallback) =>
        result.GetResult(option) is { Implicit: false } given && TryGet(given, out T value) ? value : fallback;

    /// <summary>The option's value; false when it did not convert (the parser already reports that).</summary>
    public static bool TryGet<T>(OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }
}
