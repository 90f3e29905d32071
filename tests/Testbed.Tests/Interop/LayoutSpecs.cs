// SPDX-License-Identifier: GPL-2.0-only
using Xunit;
using System.Runtime.InteropServices;
using Testbed.BindGen;
using Testbed.Interop;

namespace Testbed.Tests.Interop;

public sealed class LayoutSpecs
{
    public static TheoryData<string> Configs => new(TestbedConfigs.All);

    [Fact]
    public void Managed_structs_match_libclangs_sizeof_and_offsetof_for_every_field()
    {
        // Arrange
        var problems = new List<string>();

        // Act
        foreach (var s in NativeTestEnvironment.Header.Structs)
        {
            var type = ManagedType(s.CName);
            if (Marshal.SizeOf(type) != s.Size)
                problems.Add($"sizeof(struct {s.CName}) = {s.Size} but {type.Name} is {Marshal.SizeOf(type)}");
            foreach (var f in s.Fields)
            {
                var offset = (long)Marshal.OffsetOf(type, f.Name);
                if (offset != f.Offset)
                    problems.Add($"offsetof({s.CName}, {f.CName}) = {f.Offset} but {type.Name}.{f.Name} is at {offset}");
            }
        }

        // Assert
        Assert.Empty(problems);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void The_native_library_reports_the_layout_the_bindings_assume(string config)
    {
        // Arrange: native/Makefile builds every config; a missing library fails the test.
        NativeTestEnvironment.RequireLibrary(config);

        // Act
        var rows = TestbedConfigs.Dispatch(config, new LayoutReader());

        // Assert
        var problems = new List<string>();
        var seen = new HashSet<string>();
        foreach (var row in rows)
        {
            var s = NativeTestEnvironment.Header.Structs.FirstOrDefault(x => x.CName == row.Type);
            if (s is null)
            {
                problems.Add($"{config}: tb_abi_layout reports unknown struct {row.Type}");
                continue;
            }
            var type = ManagedType(s.CName);
            seen.Add(row.Field.Length == 0 ? s.CName : $"{s.CName}.{row.Field}");
            if (row.Field.Length == 0)
            {
                if (row.Size != (ulong)s.Size || row.Size != (ulong)Marshal.SizeOf(type))
                    problems.Add($"{config}: sizeof({s.CName}) native {row.Size}, clang {s.Size}, managed {Marshal.SizeOf(type)}");
                continue;
            }
            var f = s.Fields.FirstOrDefault(x => x.CName == row.Field);
            if (f is null)
            {
                problems.Add($"{config}: tb_abi_layout reports unknown field {s.CName}.{row.Field}");
                continue;
            }
            var managedOffset = (ulong)Marshal.OffsetOf(type, f.Name);
            if (row.Offset != (ulong)f.Offset || row.Offset != managedOffset || row.Size != (ulong)f.Size)
            {
                problems.Add($"{config}: {s.CName}.{f.CName} native {row.Offset}/{row.Size}, clang {f.Offset}/{f.Size}, " +
                    $"managed offset {managedOffset}");
            }
        }
        foreach (var s in NativeTestEnvironment.Header.Structs)
        {
            if (!seen.Contains(s.CName))
                problems.Add($"{config}: tb_abi_layout has no size row for {s.CName}");
            foreach (var f in s.Fields)
            {
                if (!seen.Contains($"{s.CName}.{f.CName}"))
                    problems.Add($"{config}: tb_abi_layout has no row for {s.CName}.{f.CName}");
            }
        }
        Assert.Empty(problems);
    }

    private static Type ManagedType(string cName) =>
        typeof(TbStats).Assembly.GetType($"{typeof(TbStats).Namespace}.{Naming.Type(cName)}", throwOnError: true)!;

    private sealed record Row(string Type, string Field, ulong Offset, ulong Size);

    private sealed class LayoutReader : ITestbedApiVisitor<List<Row>>
    {
        public List<Row> Visit<TApi>() where TApi : struct, ITestbedApi =>
            NativeConfigs.AbiLayout<TApi>().Select(r => new Row(r.TypeNameText, r.FieldNameText, r.Offset, r.Size)).ToList();
    }
}
