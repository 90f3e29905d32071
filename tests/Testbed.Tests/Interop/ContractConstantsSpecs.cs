// SPDX-License-Identifier: GPL-2.0-only
using Xunit;
using Testbed.Contract;
using Testbed.Interop;

namespace Testbed.Tests.Interop;

public sealed class ContractConstantsSpecs
{
    // Contract enum -> generated enum. Members are matched by name (the generator strips the
    // shared C prefix, so TB_PROT_READ is TbProt.Read and Prot.Read).
    public static TheoryData<Type, Type> Pairs => new()
    {
        { typeof(Prot), typeof(TbProt) },
        { typeof(MapFlags), typeof(TbMapFlags) },
        { typeof(VmFlags), typeof(TbVmFlags) },
        { typeof(MpolMode), typeof(TbMpolMode) },
        { typeof(MmFlags), typeof(TbMmFlags) },
        { typeof(FileFlags), typeof(TbFileFlags) },
        { typeof(FaultFlags), typeof(TbFaultFlags) },
        { typeof(FaultResult), typeof(TbFaultResult) },
        { typeof(OpKind), typeof(TbOpKind) },
        { typeof(CacheKind), typeof(TbCache) },
        { typeof(EventType), typeof(TbEventType) },
        { typeof(SchedPoint), typeof(TbSchedPoint) },
        { typeof(SpfAbort), typeof(TbSpfAbort) },
    };

    // Managed-only conveniences (an empty flag set, a read fault) with no C constant: must be 0.
    private static readonly HashSet<string> ContractOnly = ["MapFlags.None", "MmFlags.None", "VmFlags.None", "FileFlags.None", "FaultFlags.Read"];

    // C-only constants the contract does not need.
    private static readonly HashSet<string> HeaderOnly = ["TbSpfAbort.Nr"];

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_contract_constant_equals_the_generated_binding(Type contract, Type generated)
    {
        // Arrange
        var nativeValues = Enum.GetNames(generated).ToDictionary(n => n, n => Convert.ToInt64(Enum.Parse(generated, n)));

        // Act
        var mismatches = new List<string>();
        foreach (var name in Enum.GetNames(contract))
        {
            var value = Convert.ToInt64(Enum.Parse(contract, name));
            if (nativeValues.TryGetValue(name, out var native))
            {
                if (native != value)
                    mismatches.Add($"{contract.Name}.{name} = {value} but {generated.Name}.{name} = {native}");
            }
            else if (!ContractOnly.Contains($"{contract.Name}.{name}") || value != 0)
            {
                mismatches.Add($"{contract.Name}.{name} has no constant in {generated.Name}");
            }
        }
        var contractNames = Enum.GetNames(contract).ToHashSet();
        foreach (var name in nativeValues.Keys)
        {
            if (!contractNames.Contains(name) && !HeaderOnly.Contains($"{generated.Name}.{name}"))
                mismatches.Add($"{generated.Name}.{name} is missing from {contract.Name}");
        }

        // Assert
        Assert.Empty(mismatches);
    }

    [Fact]
    public void Every_generated_enum_is_checked_against_the_contract()
    {
        // Arrange
        var checkedTypes = Pairs.Select(row => ((Type)row[1]).Name).ToHashSet();

        // Act
        var unchecked_ = NativeTestEnvironment.Header.Enums.Select(e => e.Name)
            .Where(n => n != nameof(TbAbi) && !checkedTypes.Contains(n)).ToList();

        // Assert
        Assert.Empty(unchecked_);
    }

    [Fact]
    public void The_contract_errno_values_match_the_interop_ones()
    {
        // Arrange
        (int Contract, int Interop)[] pairs =
        [
            (Errno.EPERM, NativeErrno.EPERM), (Errno.ENOENT, NativeErrno.ENOENT), (Errno.EBADF, NativeErrno.EBADF),
            (Errno.ENOMEM, NativeErrno.ENOMEM), (Errno.EACCES, NativeErrno.EACCES), (Errno.EFAULT, NativeErrno.EFAULT),
            (Errno.EINVAL, NativeErrno.EINVAL), (Errno.EMFILE, NativeErrno.EMFILE), (Errno.ENOSPC, NativeErrno.ENOSPC),
            (Errno.EOVERFLOW, NativeErrno.EOVERFLOW), (Errno.EOPNOTSUPP, NativeErrno.EOPNOTSUPP),
            (Errno.ENOBUFS, NativeErrno.ENOBUFS),
        ];

        // Act / Assert
        Assert.All(pairs, p => Assert.Equal((p.Contract, Errno.Name(p.Contract)), (p.Interop, NativeErrno.Name(p.Interop))));
    }
}
