// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.BindGen;

/// <summary>
/// Generator settings. Read from arguments and response files (<c>@file</c>, one
/// <c>--option value</c> per line, <c>#</c> comments); relative paths in a response file are
/// relative to that file's folder, on the command line to the current directory.
/// </summary>
public sealed record GeneratorOptions
{
    /// <summary>The repository root; <see cref="SourceName"/> is the header relative to it.</summary>
    public required string Root { get; init; }

    /// <summary>The C header to read.</summary>
    public required string Header { get; init; }

    /// <summary>The folder the generated files are written to (files it owns are replaced).</summary>
    public required string Output { get; init; }

    /// <summary>The namespace of the generated code.</summary>
    public required string Namespace { get; init; }

    /// <summary>
    /// The folder the enums are written to: the contract leaf (contract/Testbed.Contract/Generated),
    /// so that the managed port and the bindings share one set of constants, read from the header.
    /// </summary>
    public required string EnumOutput { get; init; }

    /// <summary>The namespace of the generated enums ("Testbed.Contract").</summary>
    public required string EnumNamespace { get; init; }

    /// <summary>
    /// Managed names of enums, from <c>--enum-name tb_cache=CacheKind</c>; any other enum is named
    /// after its C name without the function prefix (tb_op_kind is OpKind).
    /// </summary>
    public IReadOnlyDictionary<string, string> EnumNames { get; init; } = new Dictionary<string, string>();

    /// <summary>Enum constants the bindings leave out, from <c>--omit TB_SPF_ABORT_NR</c> (C-side array sizes).</summary>
    public IReadOnlySet<string> Omit { get; init; } = new HashSet<string>();

    /// <summary>
    /// The configs, one library and one API struct each: "mmu-spf", "mmu", ...; read from the
    /// config registry named by <c>--configs</c> (native/configs.mk).
    /// </summary>
    public required IReadOnlyList<string> Configs { get; init; }

    /// <summary>
    /// The configs built in every flavour beside the default one: all but the registry's
    /// test-only ones (TB_TEST_CONFIGS), which nothing times.
    /// </summary>
    public required IReadOnlyList<string> FlavourConfigs { get; init; }

    /// <summary>
    /// Build flavours beside the default one, from <c>--flavour perf</c>: each of
    /// <see cref="FlavourConfigs"/> gets one more API struct per flavour (MmuSpfPerfApi), loaded
    /// as library "testbed-mmu-spf+perf".
    /// </summary>
    public IReadOnlyList<string> Flavours { get; init; } = [];

    /// <summary>Library name prefix: config "mmu" is loaded as library "testbed-mmu".</summary>
    public required string LibraryPrefix { get; init; }

    /// <summary>The prefix dropped from function names: "tb_".</summary>
    public required string FunctionPrefix { get; init; }

    /// <summary>
    /// Per-enum member prefixes that override the shared-prefix rule, from
    /// <c>--enum-prefix tb_file_flags=TB_FILE_</c> (TB_FILE_MAP_DIRECT becomes MapDirect).
    /// </summary>
    public IReadOnlyDictionary<string, string> EnumPrefixes { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Explicit managed names for enum constants, from <c>--remap TB_VM_MAYREAD=MayRead</c>
    /// (as ClangSharp's --remap), where the word split of the C name is not the .NET one.
    /// </summary>
    public IReadOnlyDictionary<string, string> Remap { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra arguments for clang.</summary>
    public IReadOnlyList<string> ClangArgs { get; init; } = [];

    /// <summary>The header's path relative to <see cref="Root"/>, with forward slashes.</summary>
    public string SourceName => Path.GetRelativePath(Root, Header).Replace('\\', '/');

    /// <summary>Parses arguments, expanding response files.</summary>
    public static GeneratorOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        Collect(args, Directory.GetCurrentDirectory(), values, depth: 0);
        string One(string key) => values.TryGetValue(key, out var v) && v.Count > 0
            ? v[^1]
            : throw new ArgumentException($"missing --{key} (see interop/Testbed.BindGen/bindgen.rsp)");
        List<string> Many(string key) => values.TryGetValue(key, out var v) ? v : [];
        var registry = ConfigRegistry.Parse(File.ReadAllText(One("configs")));
        return new GeneratorOptions
        {
            Root = One("root"),
            Header = One("header"),
            Output = One("output"),
            Namespace = One("namespace"),
            EnumOutput = One("enum-output"),
            EnumNamespace = One("enum-namespace"),
            EnumNames = Pairs(Many("enum-name"), "enum-name"),
            Omit = Many("omit").ToHashSet(),
            Configs = registry.Select(c => c.Name).ToArray(),
            FlavourConfigs = registry.Where(c => !c.TestOnly).Select(c => c.Name).ToArray(),
            Flavours = Many("flavour"),
            LibraryPrefix = One("library-prefix"),
            FunctionPrefix = One("function-prefix"),
            ClangArgs = Many("clang-arg"),
            EnumPrefixes = Pairs(Many("enum-prefix"), "enum-prefix"),
            Remap = Pairs(Many("remap"), "remap"),
        };
    }

    private static Dictionary<string, string> Pairs(List<string> values, string option) =>
        values.Select(p => p.Split('=', 2)).ToDictionary(
            p => p[0], p => p.Length == 2 ? p[1] : throw new ArgumentException($"--{option} {p[0]}: expected NAME=VALUE"));

    private static readonly HashSet<string> PathOptions = ["root", "header", "output", "enum-output", "configs"];

    private static void Collect(IReadOnlyList<string> args, string baseDir, Dictionary<string, List<string>> values,
        int depth)
    {
        if (depth > 8)
            throw new ArgumentException("response files nest too deeply");
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith('@'))
            {
                var file = Path.GetFullPath(arg[1..], baseDir);
                var lines = new List<string>();
                foreach (var raw in File.ReadAllLines(file))
                {
                    var line = raw.Trim();
                    if (line.Length == 0 || line.StartsWith('#'))
                        continue;
                    var space = line.IndexOf(' ');
                    lines.Add(space < 0 ? line : line[..space]);
                    if (space >= 0)
                        lines.Add(line[(space + 1)..].Trim());
                }
                Collect(lines, Path.GetDirectoryName(file)!, values, depth + 1);
                continue;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
                throw new ArgumentException($"expected --option value, got '{arg}'");
            var key = arg[2..];
            var value = args[++i];
            if (PathOptions.Contains(key))
                value = Path.GetFullPath(value, baseDir);
            if (!values.TryGetValue(key, out var list))
                values[key] = list = [];
            list.Add(value);
        }
    }
}
