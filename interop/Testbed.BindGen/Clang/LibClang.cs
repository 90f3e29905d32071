// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

[assembly: DisableRuntimeMarshalling]

namespace Testbed.BindGen.Clang;

/// <summary>
/// The few libclang C functions the generator needs, bound by hand with LibraryImport
/// (ClangSharp is not available). All types are blittable, so no marshalling code runs.
/// </summary>
internal static unsafe partial class LibClang
{
    /// <summary>The library name; <see cref="LibClangResolver"/> maps it to the runtime package's file.</summary>
    public const string LibraryName = "libclang";

    [LibraryImport(LibraryName, EntryPoint = "clang_createIndex")]
    public static partial void* CreateIndex(int excludeDeclarationsFromPch, int displayDiagnostics);

    [LibraryImport(LibraryName, EntryPoint = "clang_disposeIndex")]
    public static partial void DisposeIndex(void* index);

    [LibraryImport(LibraryName, EntryPoint = "clang_parseTranslationUnit")]
    public static partial void* ParseTranslationUnit(void* index, byte* sourceFilename, byte** commandLineArgs,
        int numCommandLineArgs, void* unsavedFiles, uint numUnsavedFiles, uint options);

    [LibraryImport(LibraryName, EntryPoint = "clang_disposeTranslationUnit")]
    public static partial void DisposeTranslationUnit(void* unit);

    [LibraryImport(LibraryName, EntryPoint = "clang_getNumDiagnostics")]
    public static partial uint GetNumDiagnostics(void* unit);

    [LibraryImport(LibraryName, EntryPoint = "clang_getDiagnostic")]
    public static partial void* GetDiagnostic(void* unit, uint index);

    [LibraryImport(LibraryName, EntryPoint = "clang_getDiagnosticSeverity")]
    public static partial int GetDiagnosticSeverity(void* diagnostic);

    [LibraryImport(LibraryName, EntryPoint = "clang_formatDiagnostic")]
    public static partial CXString FormatDiagnostic(void* diagnostic, uint options);

    [LibraryImport(LibraryName, EntryPoint = "clang_disposeDiagnostic")]
    public static partial void DisposeDiagnostic(void* diagnostic);

    [LibraryImport(LibraryName, EntryPoint = "clang_getTranslationUnitCursor")]
    public static partial CXCursor GetTranslationUnitCursor(void* unit);

    [LibraryImport(LibraryName, EntryPoint = "clang_visitChildren")]
    public static partial uint VisitChildren(CXCursor parent,
        delegate* unmanaged<CXCursor, CXCursor, void*, CXChildVisitResult> visitor, void* clientData);

    [LibraryImport(LibraryName, EntryPoint = "clang_getCursorKind")]
    public static partial CXCursorKind GetCursorKind(CXCursor cursor);

    [LibraryImport(LibraryName, EntryPoint = "clang_getCursorSpelling")]
    public static partial CXString GetCursorSpelling(CXCursor cursor);

    [LibraryImport(LibraryName, EntryPoint = "clang_getCursorLocation")]
    public static partial CXSourceLocation GetCursorLocation(CXCursor cursor);

    [LibraryImport(LibraryName, EntryPoint = "clang_Location_isFromMainFile")]
    public static partial int LocationIsFromMainFile(CXSourceLocation location);

    [LibraryImport(LibraryName, EntryPoint = "clang_isCursorDefinition")]
    public static partial uint IsCursorDefinition(CXCursor cursor);

    [LibraryImport(LibraryName, EntryPoint = "clang_getCString")]
    public static partial byte* GetCString(CXString value);

    [LibraryImport(LibraryName, EntryPoint = "clang_disposeString")]
    public static partial void DisposeString(CXString value);

    [LibraryImport(LibraryName, EntryPoint = "clang_getCursorType")]
    public static partial CXType GetCursorType(CXCursor cursor);

    [LibraryImport(LibraryName, EntryPoint = "clang_getTypeSpelling")]
    public static partial CXString GetTypeSpelling(CXType type);

    [LibraryImport(LibraryName, EntryPoint = "clang_getCanonicalType")]
    public static partial CXType GetCanonicalType(CXType type);

    [LibraryImport(LibraryName, EntryPoint = "clang_getTypedefDeclUnderlyingType")]
    public static partial CXType GetTypedefDeclUnderlyingType(CXCursor cursor);

    [LibraryImport(LibraryName, EntryPoint = "clang_getEnumDeclIntegerType")]
    public static partial CXType GetEnumDeclIntegerType(CXCursor cursor);

    [LibraryImport(LibraryName, EntryPoint = "clang_getEnumConstantDeclValue")]
    public static partial long GetEnumConstantDeclValue(CXCursor cursor);

    [LibraryImport(LibraryName, EntryPoint = "clang_getResultType")]
    public static partial CXType GetResultType(CXType functionType);

    [LibraryImport(LibraryName, EntryPoint = "clang_getNumArgTypes")]
    public static partial int GetNumArgTypes(CXType functionType);

    [LibraryImport(LibraryName, EntryPoint = "clang_getArgType")]
    public static partial CXType GetArgType(CXType functionType, uint index);

    [LibraryImport(LibraryName, EntryPoint = "clang_Cursor_getNumArguments")]
    public static partial int CursorGetNumArguments(CXCursor cursor);

    [LibraryImport(LibraryName, EntryPoint = "clang_Cursor_getArgument")]
    public static partial CXCursor CursorGetArgument(CXCursor cursor, uint index);

    [LibraryImport(LibraryName, EntryPoint = "clang_getArraySize")]
    public static partial long GetArraySize(CXType type);

    [LibraryImport(LibraryName, EntryPoint = "clang_getArrayElementType")]
    public static partial CXType GetArrayElementType(CXType type);

    [LibraryImport(LibraryName, EntryPoint = "clang_getPointeeType")]
    public static partial CXType GetPointeeType(CXType type);

    [LibraryImport(LibraryName, EntryPoint = "clang_getTypeDeclaration")]
    public static partial CXCursor GetTypeDeclaration(CXType type);

    [LibraryImport(LibraryName, EntryPoint = "clang_Type_getSizeOf")]
    public static partial long TypeGetSizeOf(CXType type);

    [LibraryImport(LibraryName, EntryPoint = "clang_Type_getOffsetOf")]
    public static partial long TypeGetOffsetOf(CXType type, byte* field);

    [LibraryImport(LibraryName, EntryPoint = "clang_isConstQualifiedType")]
    public static partial uint IsConstQualifiedType(CXType type);

    /// <summary>Copies a CXString into a .NET string and releases it.</summary>
    public static string Take(CXString value)
    {
        try
        {
            return Marshal.PtrToStringUTF8((nint)GetCString(value)) ?? string.Empty;
        }
        finally
        {
            DisposeString(value);
        }
    }

    /// <summary>The spelling of a cursor.</summary>
    public static string Spelling(CXCursor cursor) => Take(GetCursorSpelling(cursor));

    /// <summary>The spelling of a type, e.g. "const char *".</summary>
    public static string Spelling(CXType type) => Take(GetTypeSpelling(type));

    /// <summary>The direct children of a cursor, in source order.</summary>
    public static List<CXCursor> Children(CXCursor parent)
    {
        var children = new List<CXCursor>();
        var handle = GCHandle.Alloc(children);
        try
        {
            VisitChildren(parent, &Collect, (void*)GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }
        return children;
    }

    [UnmanagedCallersOnly]
    private static CXChildVisitResult Collect(CXCursor cursor, CXCursor parent, void* clientData)
    {
        var list = (List<CXCursor>)GCHandle.FromIntPtr((nint)clientData).Target!;
        list.Add(cursor);
        return CXChildVisitResult.Continue;
    }
}
