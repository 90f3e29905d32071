// SPDX-License-Identifier: GPL-2.0-only
using System.Reflection;
using Testbed.Contract;

namespace Testbed.Tests.Kernel;

/// <summary>
/// The model the kernel tests compare with: the managed port (Testbed.Managed.ManagedAddressSpace,
/// config "mmu-spf"), optionally with its test-only merge-rule switch. The port is written in
/// parallel with these tests, so it is found by name at run time; a build without it fails the
/// model tests with a message saying so (they never pass vacuously).
/// </summary>
internal static class ModelBackend
{
    private const string AddressSpaceType = "Testbed.Managed.ManagedAddressSpace, Testbed.Managed";
    private const string OptionsType = "Testbed.Managed.ManagedOptions, Testbed.Managed";

    /// <summary>A factory of fresh managed address spaces; <paramref name="ignoreAnonVmaInMerge"/> turns on the perturbation.</summary>
    public static Func<string, IAddressSpace> Managed(bool ignoreAnonVmaInMerge = false)
    {
        var type = Type.GetType(AddressSpaceType)
            ?? throw new InvalidOperationException("Testbed.Managed.ManagedAddressSpace is not in this build: the managed port has not been merged yet");
        object? options = null;
        if (ignoreAnonVmaInMerge)
        {
            var optionsType = Type.GetType(OptionsType)
                ?? throw new InvalidOperationException("Testbed.Managed.ManagedOptions is not in this build");
            options = Activator.CreateInstance(optionsType)!;
            optionsType.GetProperty("TestOnlyIgnoreAnonVmaInMerge")!.SetValue(options, true);
        }

        var ctor = type.GetConstructors().Single(c => c.GetParameters() is [{ ParameterType: var p0 }, ..] && p0 == typeof(string)
            && c.GetParameters().Skip(1).All(p => p.IsOptional || p.ParameterType.Name == "ManagedOptions"));
        return config =>
        {
            var args = ctor.GetParameters().Select((p, i) => i == 0 ? config : p.ParameterType.Name == "ManagedOptions" ? options : Type.Missing).ToArray();
            try
            {
                return (IAddressSpace)ctor.Invoke(args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        };
    }
}
