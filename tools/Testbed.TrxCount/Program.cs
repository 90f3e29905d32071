// SPDX-License-Identifier: GPL-2.0-only
// trx-count DISCOVERED [TRX]: what scripts/build-and-test.sh counts for one xunit run.
// DISCOVERED holds the display names `dotnet test --list-tests` found, one a line; TRX is the
// run's results file (left out when the run wrote none: every discovered test then never ran).
// Prints "NOT RUN (counted as failed): NAME" for each discovered test without a result,
// "FAILED NAME" and its message, indented (a long one: its first and last 20 lines), for each
// failed result, then one line "PASSED FAILED NOT_EXECUTED NEVER_RAN". Exit 0; 1 for an unreadable TRX; 2 for usage.
using System.Xml;
using Testbed.TrxCount;

if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: trx-count DISCOVERED [TRX]");
    return 2;
}

try
{
    var discovered = File.ReadAllLines(args[0]).Where(line => line.Length > 0);
    using var trx = args.Length == 2 ? File.OpenText(args[1]) : null;
    var counts = TrxCounter.Count(trx, discovered);
    foreach (var test in counts.NeverRan)
        Console.WriteLine($"NOT RUN (counted as failed): {test}");
    foreach (var line in counts.Failures.SelectMany(f => f.Report(maxLines: 40)))
        Console.WriteLine(line);
    Console.WriteLine($"{counts.Passed} {counts.Failed} {counts.NotExecuted} {counts.NeverRan.Count}");
    return 0;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException)
{
    Console.Error.WriteLine($"trx-count: {e.Message}");
    return 1;
}
