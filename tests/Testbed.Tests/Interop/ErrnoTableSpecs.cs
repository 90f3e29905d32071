// SPDX-License-Identifier: GPL-2.0-only
using Testbed.BindGen;
using Testbed.Contract;
using Testbed.Interop;
using Xunit;

namespace Testbed.Tests.Interop;

/// <summary>The one errno table (<see cref="Errno"/>) against the C library's &lt;errno.h&gt;, read by libclang.</summary>
public sealed class ErrnoTableSpecs
{
    private const string Prefix = "PROBE_";

    [Fact]
    public void Every_errno_of_the_table_equals_the_C_header_value()
    {
        // Arrange: an enum whose constants are the errno macros, as the native code sees them
        var dir = Directory.CreateTempSubdirectory("testbed-errno-");
        try
        {
            var probe = Path.Combine(dir.FullName, "errno_probe.h");
            File.WriteAllText(probe, "#include <errno.h>\nenum errno_probe {\n" +
                string.Concat(Errno.All.Keys.Select(name => $"\t{Prefix}{name} = {name},\n")) + "};\n");
            var options = NativeTestEnvironment.CheckedInOptions() with { Header = probe, Root = dir.FullName };

            // Act
            var header = HeaderParser.Parse(options).Enums.Single().Members
                .ToDictionary(m => m.CName[Prefix.Length..], m => m.Value);

            // Assert
            Assert.Equal(Errno.All.ToDictionary(e => e.Key, e => (long)e.Value), header);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(Errno.ENOSYS, "ENOSYS")]
    [InlineData(Errno.ENODEV, "ENODEV")]
    [InlineData(Errno.EBUSY, "EBUSY")]
    [InlineData(Errno.EEXIST, "EEXIST")]
    public void The_interop_exceptions_name_every_errno_of_the_table(int errno, string name)
    {
        // Act
        var e = TestbedErrnoException.FromResult(-errno, "tb_op()");

        // Assert
        Assert.Equal(name, e.ErrnoName);
        Assert.Equal($"tb_op() failed: -{name} ({errno})", e.Message);
    }
}
