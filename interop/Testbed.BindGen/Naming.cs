// SPDX-License-Identifier: GPL-2.0-only
using System.Text;

namespace Testbed.BindGen;

/// <summary>How C names become .NET names. Tests use the same rules to find a C name's binding.</summary>
public static class Naming
{
    private static readonly HashSet<string> Keywords =
    [
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit",
        "extern", "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int",
        "interface", "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out",
        "override", "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed",
        "short", "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try",
        "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    ];

    /// <summary>snake_case or UPPER_SNAKE to PascalCase: "tb_vma_info" to "TbVmaInfo", "vm_start" to "VmStart".</summary>
    public static string Pascal(string cName)
    {
        var builder = new StringBuilder(cName.Length);
        foreach (var part in cName.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            builder.Append(char.ToUpperInvariant(part[0]));
            builder.Append(part.AsSpan(1).ToString().ToLowerInvariant());
        }
        return builder.ToString();
    }

    /// <summary>A type name: "tb_mm_t" to "TbMm" (the "_t" suffix dropped), "tb_stats" to "TbStats".</summary>
    public static string Type(string cName) => Pascal(cName.EndsWith("_t", StringComparison.Ordinal) ? cName[..^2] : cName);

    /// <summary>A function name: "tb_mm_create" to "MmCreate" (the library prefix dropped).</summary>
    public static string Function(string cName, string prefix) =>
        Pascal(cName.StartsWith(prefix, StringComparison.Ordinal) ? cName[prefix.Length..] : cName);

    /// <summary>A parameter keeps its C name, escaped with @ when it is a C# keyword ("out" to "@out").</summary>
    public static string Parameter(string cName) => Keywords.Contains(cName) ? "@" + cName : cName;

    /// <summary>A config's API type: "mmu-spf" to "MmuSpfApi".</summary>
    public static string ConfigApi(string config) => Pascal(config.Replace('-', '_')) + "Api";

    /// <summary>A config's API type in a flavour: ("mmu-spf", "perf") to "MmuSpfPerfApi"; null flavour: the default type.</summary>
    public static string ConfigApi(string config, string? flavour) =>
        flavour is null ? ConfigApi(config) : Pascal((config + "_" + flavour).Replace('-', '_')) + "Api";

    /// <summary>
    /// Enum members lose the prefix all members of their enum share (up to an underscore):
    /// TB_PROT_READ to Read, TB_FAULT_DONE_CLASSIC to Classic; <paramref name="prefix"/>, when
    /// given (an --enum-prefix setting), is stripped instead.
    /// </summary>
    public static IReadOnlyList<string> EnumMembers(IReadOnlyList<string> cNames, string? prefix = null)
    {
        if (prefix is not null)
        {
            var fixedNames = new List<string>(cNames.Count);
            foreach (var name in cNames)
            {
                if (!name.StartsWith(prefix, StringComparison.Ordinal))
                    throw new ArgumentException($"enum constant {name} does not start with the configured prefix {prefix}");
                fixedNames.Add(Pascal(name[prefix.Length..]));
            }
            return fixedNames;
        }
        prefix = cNames.Count == 0 ? string.Empty : cNames[0];
        foreach (var name in cNames)
        {
            var length = 0;
            while (length < prefix.Length && length < name.Length && prefix[length] == name[length])
                length++;
            prefix = prefix[..length];
        }
        var cut = prefix.LastIndexOf('_') + 1;
        if (cNames.Count == 1)
            cut = cNames[0].IndexOf('_') + 1;
        var result = new List<string>(cNames.Count);
        foreach (var name in cNames)
        {
            var rest = name[cut..];
            result.Add(rest.Length == 0 || char.IsDigit(rest[0]) ? Pascal(name) : Pascal(rest));
        }
        return result;
    }
}
