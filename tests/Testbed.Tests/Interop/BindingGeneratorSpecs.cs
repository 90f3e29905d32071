// SPDX-License-Identifier: GPL-2.0-only
using Xunit;
using Testbed.BindGen;

namespace Testbed.Tests.Interop;

public sealed class BindingGeneratorSpecs
{
    [Fact]
    public void Regenerating_the_bindings_reproduces_the_checked_in_files_byte_for_byte()
    {
        // Arrange: the bindings (interop) and the enums (the contract leaf), each in its own folder
        var checkedIn = NativeTestEnvironment.CheckedInOptions();
        var temp = Directory.CreateTempSubdirectory("bindgen-drift-");
        var folders = new[] { (checkedIn.Output, Path.Combine(temp.FullName, "interop")),
            (checkedIn.EnumOutput, Path.Combine(temp.FullName, "contract")) };
        try
        {
            // Act
            BindingGenerator.Run(checkedIn with { Output = folders[0].Item2, EnumOutput = folders[1].Item2 });

            // Assert
            foreach (var (want, got) in folders)
            {
                var expected = Directory.GetFiles(want, "*.cs").Select(Path.GetFileName).Order().ToArray();
                var actual = Directory.GetFiles(got, "*.cs").Select(Path.GetFileName).Order().ToArray();
                Assert.Equal(expected, actual);
                foreach (var name in actual)
                {
                    Assert.True(File.ReadAllBytes(Path.Combine(want, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(got, name!))),
                        $"{Path.Combine(want, name!)} drifted from {checkedIn.SourceName}; regenerate with " +
                        "`dotnet run --project interop/Testbed.BindGen -- @interop/Testbed.BindGen/bindgen.rsp`");
                }
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public void Every_enum_of_the_header_is_generated_into_the_contract_leaf_and_none_into_interop()
    {
        // Arrange
        var options = NativeTestEnvironment.CheckedInOptions();

        // Act
        var files = BindingGenerator.Generate(options);

        // Assert
        var enums = files.Where(f => f.Value.Contains("\npublic enum ")).Select(f => Path.GetDirectoryName(f.Key)).Distinct();
        Assert.Equal([options.EnumOutput], enums);
        var contract = Assert.Single(files, f => Path.GetDirectoryName(f.Key) == options.EnumOutput).Value;
        Assert.Equal(NativeTestEnvironment.Header.Enums.Count, contract.Split("\npublic enum ").Length - 1);
        Assert.Equal(typeof(Testbed.Contract.Prot).Namespace, options.EnumNamespace);
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
