// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using System.Reflection;

namespace Testbed.Tests.Isolation;

/// <summary>
/// The test assembly's entry point (Microsoft.NET.Test.Sdk builds it as an executable;
/// GenerateProgramFile is off). The test host never calls it; <see cref="IsolatedSpec"/>
/// runs <c>dotnet exec Testbed.Tests.dll spec TYPE METHOD [ARGS...]</c> to run one spec
/// body in a process of its own. Exit 0: the body returned; 1: it threw (printed on
/// stderr); 2: bad arguments; anything else: the process died (a signal: 128 + N).
/// </summary>
public static class SpecHost
{
    /// <summary>The first argument that selects this mode.</summary>
    public const string Verb = "spec";

    /// <summary>Runs one static spec body.</summary>
    public static int Main(string[] args)
    {
        if (args.Length < 3 || args[0] != Verb)
        {
            Console.Error.WriteLine($"usage: Testbed.Tests.dll {Verb} TYPE METHOD [ARGS...]");
            return 2;
        }

        var type = typeof(SpecHost).Assembly.GetType(args[1], throwOnError: false);
        var method = type?.GetMethod(args[2], BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.FlattenHierarchy);
        if (method is null || method.GetParameters().Length != args.Length - 3)
        {
            Console.Error.WriteLine($"no static {args[1]}.{args[2]} taking {args.Length - 3} argument(s)");
            return 2;
        }

        var values = method.GetParameters().Select((p, i) => Convert(args[3 + i], p.ParameterType)).ToArray();
        try
        {
            method.Invoke(null, values);
            return 0;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            Console.Error.WriteLine(e.InnerException);
            return 1;
        }
    }

    /// <summary>The text form of an argument, as <see cref="Convert"/> reads it back.</summary>
    public static string Format(object value) => System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private static object Convert(string text, Type type) =>
        type.IsEnum ? Enum.Parse(type, text) : System.Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
}
