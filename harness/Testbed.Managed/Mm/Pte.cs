// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Managed.Mm;

/// <summary>
/// One populated page of the page-table model: the id of the VMA that populated it, and in
/// the perf flavour the page a private write installed (<see cref="Kernel.PageAlloc"/>).
/// </summary>
internal readonly record struct Pte(ulong VmaId, byte[]? Page);
