// SPDX-License-Identifier: GPL-2.0-only
using Xunit;
using Testbed.BindGen;

namespace Testbed.Tests.Interop;

public sealed class BindingGeneratorSpecs
{
    [Fact]
    public void Regenerating_the_bindings_reproduces_the_checked_in_files_byte_for_byte()
    {
        // Arrange
        var checkedIn = NativeTestEnvironment.CheckedInOptions();
        var temp = Directory.CreateTempSubdirectory("bindgen-drift-");
        try
        {
            // Act
            BindingGenerator.Run(checkedIn with { Output = temp.FullName });

            // Assert
            var expected = Directory.GetFiles(checkedIn.Output, "*.cs").Select(Path.GetFileName).Order().ToArray();
            var actual = Directory.GetFiles(temp.FullName, "*.cs").Select(Path.GetFileName).Order().ToArray();
            Assert.Equal(expected, actual);
            foreach (var name in actual)
            {
                var want = File.ReadAllBytes(Path.Combine(checkedIn.Output, name!));
                var got = File.ReadAllBytes(Path.Combine(temp.FullName, name!));
                Assert.True(want.AsSpan().SequenceEqual(got),
                    $"{name} drifted from {checkedIn.SourceName}; regenerate with " +
                    "`dotnet run --project interop/Testbed.BindGen -- @interop/Testbed.BindGen/bindgen.rsp`");
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_generated_files_carry_the_do_not_edit_header()
    {
        // Arrange
        var options = NativeTestEnvironment.CheckedInOptions();

        // Act
        var files = BindingGenerator.Generate(options);

        // Assert
        Assert.NotEmpty(files);
        Assert.All(files.Values, content => Assert.Contains(
            "generated from native/include/testbed.h by Testbed.BindGen — do not edit", content));
    }

    [Fact]
    public void The_parser_sees_every_function_enum_and_struct_of_the_header()
    {
        // Arrange
        var header = File.ReadAllText(NativeTestEnvironment.CheckedInOptions().Header);

        // Act
        var model = NativeTestEnvironment.Header;

        // Assert
        var functions = header.Split("TB_API ").Length - 2; // the #define and the declarations
        Assert.Equal(functions, model.Functions.Count);
        Assert.Equal(header.Split("\nenum ").Length - 1, model.Enums.Count);
        Assert.Equal(header.Split("\nstruct ").Length - 1, model.Structs.Count);
        Assert.Contains(model.Handles, h => h.CName == "tb_mm_t");
    }

    [Fact]
    public void Enum_members_lose_the_prefix_their_enum_shares()
    {
        // Arrange
        string[] names = ["TB_FAULT_DONE_SPECULATIVE", "TB_FAULT_DONE_CLASSIC"];

        // Act
        var members = Naming.EnumMembers(names);

        // Assert
        Assert.Equal(["Speculative", "Classic"], members);
    }
}
