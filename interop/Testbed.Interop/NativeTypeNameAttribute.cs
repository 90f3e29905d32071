// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Interop;

/// <summary>Records the C type a generated declaration was produced from (as ClangSharp does).</summary>
[AttributeUsage(AttributeTargets.Struct | AttributeTargets.Enum | AttributeTargets.Field |
    AttributeTargets.Parameter | AttributeTargets.ReturnValue, AllowMultiple = false, Inherited = true)]
public sealed class NativeTypeNameAttribute(string name) : Attribute
{
    /// <summary>The C type, e.g. "uint64_t" or "char[64]".</summary>
    public string Name { get; } = name;
}
