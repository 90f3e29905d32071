// SPDX-License-Identifier: GPL-2.0-only
using System.Text.RegularExpressions;

namespace Testbed.Contract;

/// <summary>
/// The configs of the testbed, read from native/configs.mk (embedded in this assembly): the
/// same file native/Makefile includes and the binding generator reads, so that no list of
/// configs is kept by hand anywhere else.
/// </summary>
public static partial class ConfigRegistry
{
    private const string ResourceName = "Testbed.Contract.configs.mk";

    /// <summary>Every config, in build order.</summary>
    public static IReadOnlyList<ConfigDescriptor> All { get; } = Parse(ReadEmbedded());

    /// <summary>Every config name, in build order (test-only ones included).</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(c => c.Name).ToArray();

    /// <summary>The configs both backends have and the CLI lists: all but the test-only ones.</summary>
    public static IReadOnlyList<string> Shipped { get; } = All.Where(c => !c.TestOnly).Select(c => c.Name).ToArray();

    /// <summary>The config named <paramref name="name"/>, or null.</summary>
    public static ConfigDescriptor? Find(string name) => All.FirstOrDefault(c => c.Name == name);

    /// <summary>The config named <paramref name="name"/>; an unknown name throws, listing the known ones.</summary>
    public static ConfigDescriptor Get(string name) => Find(name) ??
        throw new ArgumentException($"unknown config '{name}'; known: {string.Join(", ", Names)}", nameof(name));

    /// <summary>Parses the registry's text (the format of native/configs.mk).</summary>
    public static IReadOnlyList<ConfigDescriptor> Parse(string text)
    {
        var vars = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var m = Assignment().Match(line);
            if (!m.Success)
                throw new FormatException($"configs.mk: expected 'NAME := words', got '{line}'");
            vars[m.Groups[1].Value] = m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }

        string[] Words(string key) => vars.TryGetValue(key, out var v) ? v : throw new FormatException($"configs.mk: no {key}");
        var testOnly = Words("TB_TEST_CONFIGS").ToHashSet();
        var stress = Words("TB_STRESS_CONFIGS").ToHashSet();
        return Words("TB_CONFIGS").Select(name =>
        {
            var model = Words($"TB_MODEL_{name}") switch
            {
                ["mmu"] => true,
                ["nommu"] => false,
                var other => throw new FormatException($"configs.mk: TB_MODEL_{name} is '{string.Join(' ', other)}', not mmu or nommu"),
            };
            var flags = Words($"TB_FLAGS_{name}");
            return new ConfigDescriptor(name, Mmu: model,
                Spf: flags.Contains("-DCONFIG_SPECULATIVE_PAGE_FAULT"),
                SharedFree: !model && !flags.Contains("-DTB_NOMMU_OPEN_CODED_FREE"),
                TestOnly: testOnly.Contains(name), Stress: stress.Contains(name), flags,
                SpfRcu: flags.Contains("-DCONFIG_SPF_RCU"),
                PerVmaLock: flags.Contains("-DCONFIG_PER_VMA_LOCK"),
                VmaRefcnt: flags.Contains("-DCONFIG_VMA_REFCNT"),
                SpfReuseVma: flags.Contains("-DCONFIG_SPF_REUSE_VMA"));
        }).ToArray();
    }

    private static string ReadEmbedded()
    {
        using var stream = typeof(ConfigRegistry).Assembly.GetManifestResourceStream(ResourceName) ??
            throw new InvalidOperationException($"{ResourceName} is not embedded in {typeof(ConfigRegistry).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^([A-Za-z0-9_-]+)\s*:=\s*(.*)$")]
    private static partial Regex Assignment();
}
