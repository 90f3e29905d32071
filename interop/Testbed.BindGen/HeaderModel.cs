// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.BindGen;

/// <summary>What the generator read from the header: the declarations of the main file, in source order.</summary>
public sealed record HeaderModel(
    IReadOnlyList<EnumModel> Enums,
    IReadOnlyList<StructModel> Structs,
    IReadOnlyList<FunctionModel> Functions,
    IReadOnlyList<HandleModel> Handles);

/// <summary>A C enum: its C name, managed name, integer type and constants.</summary>
public sealed record EnumModel(string CName, string Name, string NativeIntegerType, string IntegerType, bool IsFlags,
    IReadOnlyList<EnumMemberModel> Members);

/// <summary>One enum constant: C name, managed name, value.</summary>
public sealed record EnumMemberModel(string CName, string Name, long Value);

/// <summary>A C struct with libclang's own sizeof and per-field offsets (bytes).</summary>
public sealed record StructModel(string CName, string Name, long Size, IReadOnlyList<FieldModel> Fields);

/// <summary>
/// A struct field. <see cref="FixedLength"/> is set for fixed-size arrays, which become
/// <c>fixed</c> buffers of <see cref="Type"/> (the element type).
/// </summary>
public sealed record FieldModel(string CName, string Name, string NativeType, string Type, long Offset, long Size,
    long? FixedLength);

/// <summary>A function: C name, managed name, return and parameter types.</summary>
public sealed record FunctionModel(string CName, string Name, string NativeReturnType, string ReturnType,
    IReadOnlyList<ParameterModel> Parameters);

/// <summary>A function parameter; <see cref="Name"/> is escaped when it is a C# keyword.</summary>
public sealed record ParameterModel(string CName, string Name, string NativeType, string Type);

/// <summary>A typedef of a pointer to an incomplete struct: an opaque handle value, never dereferenced.</summary>
public sealed record HandleModel(string CName, string Name, string NativePointee);
