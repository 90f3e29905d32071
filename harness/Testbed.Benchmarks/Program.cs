// SPDX-License-Identifier: GPL-2.0-only
// Runs the question-3 cost suite (docs/benchmarks.md):
//   dotnet run -c Release --project harness/Testbed.Benchmarks -- --quick
// Any other arguments go to BenchmarkDotNet (--filter, --job, --artifacts, --list flat, ...);
// without --filter every benchmark runs.
using BenchmarkDotNet.Running;
using Testbed.Benchmarks;

var quick = args.Contains("--quick");
var rest = args.Where(a => a != "--quick").ToList();
if (!rest.Contains("--filter") && !rest.Contains("--list"))
    rest.AddRange(["--filter", "*"]);
var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly)
    .Run([.. rest], BenchmarkConfig.Create(quick));
foreach (var failure in Check.Failures)
    Console.Error.WriteLine(failure);
return Check.Failures.Count > 0 || summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
