// SPDX-License-Identifier: GPL-2.0-only
using Testbed.BindGen;

try
{
    var options = GeneratorOptions.Parse(args);
    var written = BindingGenerator.Run(options);
    Console.WriteLine($"generated {written.Count} files from {options.SourceName} into {options.Output} and {options.EnumOutput}");
    return 0;
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or NotSupportedException)
{
    Console.Error.WriteLine($"bindgen: {e.Message}");
    return 1;
}
