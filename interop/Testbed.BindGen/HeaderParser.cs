// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.InteropServices;
using System.Text;
using Testbed.BindGen.Clang;

namespace Testbed.BindGen;

/// <summary>
/// Parses a C header with libclang and collects the enums, structs, handle typedefs and
/// functions declared in it (not in what it includes). Sizes and offsets are libclang's.
/// </summary>
public sealed unsafe class HeaderParser
{
    private const uint ParseSkipFunctionBodies = 0x40;

    private readonly string _functionPrefix;
    private readonly IReadOnlyDictionary<string, string> _enumPrefixes;
    private readonly IReadOnlyDictionary<string, string> _remap;
    private readonly IReadOnlyDictionary<string, string> _enumNames;
    private readonly IReadOnlySet<string> _omit;
    private readonly string _enumNamespace;
    private readonly Dictionary<string, string> _handles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CXType> _functionPointers = new(StringComparer.Ordinal);

    private HeaderParser(GeneratorOptions options)
    {
        _remap = options.Remap;
        _functionPrefix = options.FunctionPrefix;
        _enumPrefixes = options.EnumPrefixes;
        _enumNames = options.EnumNames;
        _omit = options.Omit;
        _enumNamespace = options.EnumNamespace;
    }

    /// <summary>Parses <paramref name="headerPath"/>; throws with clang's diagnostics when it has errors.</summary>
    public static HeaderModel Parse(GeneratorOptions options)
    {
        if (!File.Exists(options.Header))
            throw new FileNotFoundException($"header not found: {options.Header}", options.Header);
        return new HeaderParser(options).Run(Path.GetFullPath(options.Header),
            options.ClangArgs);
    }

    private HeaderModel Run(string headerPath, IReadOnlyList<string> clangArgs)
    {
        var index = LibClang.CreateIndex(0, 0);
        var pinned = new List<nint>();
        try
        {
            var argv = stackalloc byte*[clangArgs.Count + 1];
            for (var i = 0; i < clangArgs.Count; i++)
            {
                var p = Marshal.StringToCoTaskMemUTF8(clangArgs[i]);
                pinned.Add(p);
                argv[i] = (byte*)p;
            }
            var file = Marshal.StringToCoTaskMemUTF8(headerPath);
            pinned.Add(file);
            var unit = LibClang.ParseTranslationUnit(index, (byte*)file, argv, clangArgs.Count, null, 0,
                ParseSkipFunctionBodies);
            if (unit == null)
                throw new InvalidOperationException($"libclang could not parse {headerPath}");
            try
            {
                ThrowOnErrors(unit, headerPath);
                return Collect(LibClang.GetTranslationUnitCursor(unit));
            }
            finally
            {
                LibClang.DisposeTranslationUnit(unit);
            }
        }
        finally
        {
            foreach (var p in pinned)
                Marshal.FreeCoTaskMem(p);
            LibClang.DisposeIndex(index);
        }
    }

    private static void ThrowOnErrors(void* unit, string headerPath)
    {
        var errors = new StringBuilder();
        var count = LibClang.GetNumDiagnostics(unit);
        for (uint i = 0; i < count; i++)
        {
            var diagnostic = LibClang.GetDiagnostic(unit, i);
            if (LibClang.GetDiagnosticSeverity(diagnostic) >= 3)
                errors.AppendLine(LibClang.Take(LibClang.FormatDiagnostic(diagnostic, 0x1 | 0x2)));
            LibClang.DisposeDiagnostic(diagnostic);
        }
        if (errors.Length > 0)
            throw new InvalidOperationException($"clang reported errors in {headerPath}:\n{errors}");
    }

    private HeaderModel Collect(CXCursor root)
    {
        var enums = new List<EnumModel>();
        var structs = new List<StructModel>();
        var functions = new List<FunctionModel>();
        var handles = new List<HandleModel>();
        foreach (var cursor in LibClang.Children(root))
        {
            if (LibClang.LocationIsFromMainFile(LibClang.GetCursorLocation(cursor)) == 0)
                continue;
            switch (LibClang.GetCursorKind(cursor))
            {
                case CXCursorKind.EnumDecl when LibClang.IsCursorDefinition(cursor) != 0:
                    enums.Add(ReadEnum(cursor));
                    break;
                case CXCursorKind.StructDecl when LibClang.IsCursorDefinition(cursor) != 0:
                    structs.Add(ReadStruct(cursor));
                    break;
                case CXCursorKind.TypedefDecl:
                    ReadTypedef(cursor, handles);
                    break;
                case CXCursorKind.FunctionDecl:
                    functions.Add(ReadFunction(cursor));
                    break;
            }
        }
        return new HeaderModel(enums, structs, functions, handles);
    }

    private EnumModel ReadEnum(CXCursor cursor)
    {
        var cName = LibClang.Spelling(cursor);
        var integer = LibClang.GetEnumDeclIntegerType(cursor);
        var constants = LibClang.Children(cursor).FindAll(c =>
            LibClang.GetCursorKind(c) == CXCursorKind.EnumConstantDecl && !_omit.Contains(LibClang.Spelling(c)));
        var cNames = constants.ConvertAll(LibClang.Spelling);
        var names = Naming.EnumMembers(cNames, _enumPrefixes.GetValueOrDefault(cName));
        var members = new List<EnumMemberModel>(constants.Count);
        for (var i = 0; i < constants.Count; i++)
            members.Add(new EnumMemberModel(cNames[i], _remap.GetValueOrDefault(cNames[i], names[i]),
                LibClang.GetEnumConstantDeclValue(constants[i])));
        var isFlags = cName.Contains("flags", StringComparison.Ordinal) || cName.EndsWith("_prot", StringComparison.Ordinal);
        return new EnumModel(cName, EnumName(cName), LibClang.Spelling(integer),
            Primitive(LibClang.GetCanonicalType(integer).Kind) ?? "int", isFlags, members);
    }

    /// <summary>An enum's managed name: its --enum-name, else its C name without the function prefix.</summary>
    private string EnumName(string cName) =>
        _enumNames.GetValueOrDefault(cName) ?? Naming.Function(cName, _functionPrefix);

    private StructModel ReadStruct(CXCursor cursor)
    {
        var cName = LibClang.Spelling(cursor);
        var type = LibClang.GetCursorType(cursor);
        var fields = new List<FieldModel>();
        foreach (var field in LibClang.Children(cursor))
        {
            if (LibClang.GetCursorKind(field) != CXCursorKind.FieldDecl)
                continue;
            var fieldName = LibClang.Spelling(field);
            var fieldType = LibClang.GetCursorType(field);
            var nameUtf8 = Marshal.StringToCoTaskMemUTF8(fieldName);
            long offsetBits;
            try
            {
                offsetBits = LibClang.TypeGetOffsetOf(type, (byte*)nameUtf8);
            }
            finally
            {
                Marshal.FreeCoTaskMem(nameUtf8);
            }
            var canonical = LibClang.GetCanonicalType(fieldType);
            long? length = null;
            string managed;
            if (canonical.Kind == CXTypeKind.ConstantArray)
            {
                length = LibClang.GetArraySize(canonical);
                managed = MapType(LibClang.GetArrayElementType(canonical));
            }
            else
            {
                managed = MapType(fieldType);
            }
            fields.Add(new FieldModel(fieldName, Naming.Pascal(fieldName), LibClang.Spelling(fieldType), managed,
                offsetBits / 8, LibClang.TypeGetSizeOf(fieldType), length));
        }
        return new StructModel(cName, Naming.Type(cName), LibClang.TypeGetSizeOf(type), fields);
    }

    private void ReadTypedef(CXCursor cursor, List<HandleModel> handles)
    {
        var cName = LibClang.Spelling(cursor);
        var underlying = LibClang.GetCanonicalType(LibClang.GetTypedefDeclUnderlyingType(cursor));
        if (underlying.Kind != CXTypeKind.Pointer)
            return;
        var pointee = LibClang.GetCanonicalType(LibClang.GetPointeeType(underlying));
        if (pointee.Kind == CXTypeKind.FunctionProto)
        {
            _functionPointers[cName] = pointee;
        }
        else if (pointee.Kind == CXTypeKind.Record && LibClang.TypeGetSizeOf(pointee) < 0)
        {
            var name = Naming.Type(cName);
            _handles[cName] = name;
            handles.Add(new HandleModel(cName, name, LibClang.Spelling(pointee)));
        }
    }

    private FunctionModel ReadFunction(CXCursor cursor)
    {
        var cName = LibClang.Spelling(cursor);
        var type = LibClang.GetCursorType(cursor);
        var result = LibClang.GetResultType(type);
        var count = LibClang.CursorGetNumArguments(cursor);
        var parameters = new List<ParameterModel>(count);
        for (uint i = 0; i < count; i++)
        {
            var argument = LibClang.CursorGetArgument(cursor, i);
            var argumentType = LibClang.GetCursorType(argument);
            var argName = LibClang.Spelling(argument);
            parameters.Add(new ParameterModel(argName, Naming.Parameter(argName), LibClang.Spelling(argumentType),
                MapType(argumentType)));
        }
        return new FunctionModel(cName, Naming.Function(cName, _functionPrefix), LibClang.Spelling(result),
            MapType(result), parameters);
    }

    private string MapType(CXType type)
    {
        if (type.Kind is CXTypeKind.Typedef or CXTypeKind.Elaborated)
        {
            var spelling = LibClang.Spelling(type).Replace("const ", string.Empty, StringComparison.Ordinal);
            if (_handles.TryGetValue(spelling, out var handle))
                return handle;
            if (_functionPointers.TryGetValue(spelling, out var function))
                return FunctionPointer(function);
            return MapType(LibClang.GetCanonicalType(type));
        }
        if (type.Kind == CXTypeKind.Pointer)
        {
            var pointee = LibClang.GetPointeeType(type);
            var canonicalPointee = LibClang.GetCanonicalType(pointee);
            if (canonicalPointee.Kind == CXTypeKind.FunctionProto)
                return FunctionPointer(canonicalPointee);
            return MapType(pointee) + "*";
        }
        if (type.Kind == CXTypeKind.Enum)
            return $"global::{_enumNamespace}.{EnumName(LibClang.Spelling(LibClang.GetTypeDeclaration(type)))}";
        if (type.Kind == CXTypeKind.Record)
            return Naming.Type(LibClang.Spelling(LibClang.GetTypeDeclaration(type)));
        return Primitive(type.Kind) ?? throw new NotSupportedException(
            $"no mapping for C type '{LibClang.Spelling(type)}' (kind {type.Kind})");
    }

    private string FunctionPointer(CXType function)
    {
        var builder = new StringBuilder("delegate* unmanaged<");
        var count = LibClang.GetNumArgTypes(function);
        for (uint i = 0; i < count; i++)
            builder.Append(MapType(LibClang.GetArgType(function, i))).Append(", ");
        builder.Append(MapType(LibClang.GetResultType(function))).Append('>');
        return builder.ToString();
    }

    private static string? Primitive(CXTypeKind kind) => kind switch
    {
        CXTypeKind.Void => "void",
        CXTypeKind.Bool => "bool",
        CXTypeKind.CharU or CXTypeKind.UChar or CXTypeKind.CharS => "byte",
        CXTypeKind.SChar => "sbyte",
        CXTypeKind.UShort => "ushort",
        CXTypeKind.Short => "short",
        CXTypeKind.UInt => "uint",
        CXTypeKind.Int => "int",
        CXTypeKind.ULong or CXTypeKind.ULongLong => "ulong",
        CXTypeKind.Long or CXTypeKind.LongLong => "long",
        _ => null,
    };
}
