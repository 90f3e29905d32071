// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using Testbed.Contract;

namespace Testbed.Harness.Kernel;

/// <summary>
/// Which of the model's rule options match the kernel the guest ran, chosen from its release.
/// Each is a model option (a tb_mm_create flag), not an excuse: the model follows the kernel's
/// rule, and the comparer counts where 4.16's would have differed.
/// <list type="bullet">
/// <item>6.1.x: <see cref="MmFlags.MmapMergeNextFirst"/>. 6.1's mmap_region tries next before
/// prev (vma_expand).</item>
/// <item>6.12 and later: <see cref="MmFlags.MprotectUnaccountUnfaulted"/>. mprotect_fixup drops
/// VM_ACCOUNT from a private anonymous VMA without anon_vma made read-only ("mm/mprotect: allow
/// unfaulted VMAs to be unaccounted on mprotect()"; 6.1 lacks it, measured). Its new mappings
/// merge prev first as 4.16's do (vma_merge_new_range in mm/vma.c takes next only when it
/// is compatible with prev as well), so no merge-order flag; measured on Debian's 6.12 and the
/// host's 6.18.</item>
/// <item>Every other release: 4.16's rules. A release that behaves otherwise is reported as a
/// difference, never excused.</item>
/// </list>
/// </summary>
public static class KernelRules
{
    /// <summary>
    /// The case <see cref="ModelComparer"/> counts when 4.16's mprotect_fixup would have kept an
    /// unwritten anonymous VMA's VM_ACCOUNT (and so its layout) where the kernel's dropped it.
    /// </summary>
    public const string UnaccountCase = "mprotect unaccounts an unwritten anon VMA";

    /// <summary>The model flags for a kernel release ("6.1.0-56-amd64" -> next first, "6.12.118+deb12-amd64" -> unaccount).</summary>
    public static MmFlags For(string kernelRelease)
    {
        if (kernelRelease.StartsWith("6.1.", StringComparison.Ordinal) || kernelRelease == "6.1")
            return MmFlags.MmapMergeNextFirst;
        return Version(kernelRelease) is var (major, minor) && (major > 6 || (major == 6 && minor >= 12))
            ? MmFlags.MprotectUnaccountUnfaulted
            : MmFlags.None;
    }

    /// <summary>The rules of <paramref name="flags"/> in words, for the report.</summary>
    public static string Describe(MmFlags flags)
    {
        var rules = new List<string>
        {
            (flags & MmFlags.MmapMergeNextFirst) != 0 ? "6.1's mmap merge order (next first)" : "4.16's mmap merge order (prev first)",
        };
        if ((flags & MmFlags.MprotectUnaccountUnfaulted) != 0)
            rules.Add("6.12's mprotect (unaccounts an unwritten anon VMA)");
        return string.Join("; ", rules);
    }

    /// <summary>major.minor of a release string, or null when it does not start with one.</summary>
    private static (int Major, int Minor)? Version(string release)
    {
        var parts = release.Split('.', 3);
        if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major))
            return null;
        var digits = new string([.. parts[1].TakeWhile(char.IsAsciiDigit)]);
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var minor) ? (major, minor) : null;
    }
}
