// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Interop;

/// <summary>Text accessors for the string pointers of <c>struct tb_abi_field</c>.</summary>
public unsafe partial struct TbAbiField
{
    /// <summary>The C struct name, e.g. "tb_vma_info".</summary>
    public readonly string TypeNameText => NativeText.FromPointer(TypeName);

    /// <summary>The C field name, or "" for the row that gives the whole struct's size.</summary>
    public readonly string FieldNameText => NativeText.FromPointer(FieldName);
}
