// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.InteropServices;

namespace Testbed.BindGen.Clang;

/// <summary>CXCursor: a node of the AST.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXCursor
{
    /// <summary>The CXCursorKind.</summary>
    public CXCursorKind Kind;
    /// <summary>Opaque.</summary>
    public int XData;
    /// <summary>Opaque.</summary>
    public void* Data0;
    /// <summary>Opaque.</summary>
    public void* Data1;
    /// <summary>Opaque.</summary>
    public void* Data2;
}

/// <summary>CXType: a type of the AST.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXType
{
    /// <summary>The CXTypeKind.</summary>
    public CXTypeKind Kind;
    /// <summary>Opaque.</summary>
    public void* Data0;
    /// <summary>Opaque.</summary>
    public void* Data1;
}

/// <summary>CXString: a string owned by libclang, released with clang_disposeString.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXString
{
    /// <summary>Opaque.</summary>
    public void* Data;
    /// <summary>Opaque.</summary>
    public uint PrivateFlags;
}

/// <summary>CXSourceLocation: a position in a source file.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXSourceLocation
{
    /// <summary>Opaque.</summary>
    public void* Ptr0;
    /// <summary>Opaque.</summary>
    public void* Ptr1;
    /// <summary>Opaque.</summary>
    public uint IntData;
}

/// <summary>The subset of CXCursorKind the generator looks at.</summary>
internal enum CXCursorKind
{
    StructDecl = 2,
    EnumDecl = 5,
    FieldDecl = 6,
    EnumConstantDecl = 7,
    FunctionDecl = 8,
    ParmDecl = 10,
    TypedefDecl = 20,
}

/// <summary>The subset of CXTypeKind the generator maps.</summary>
internal enum CXTypeKind
{
    Invalid = 0,
    Void = 2,
    Bool = 3,
    CharU = 4,
    UChar = 5,
    UShort = 8,
    UInt = 9,
    ULong = 10,
    ULongLong = 11,
    CharS = 13,
    SChar = 14,
    Short = 16,
    Int = 17,
    Long = 18,
    LongLong = 19,
    Pointer = 101,
    Record = 105,
    Enum = 106,
    Typedef = 107,
    FunctionNoProto = 110,
    FunctionProto = 111,
    ConstantArray = 112,
    Elaborated = 119,
}

/// <summary>CXChildVisitResult.</summary>
internal enum CXChildVisitResult
{
    Break = 0,
    Continue = 1,
    Recurse = 2,
}
