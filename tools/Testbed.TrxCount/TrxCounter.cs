// SPDX-License-Identifier: GPL-2.0-only
using System.Xml;

namespace Testbed.TrxCount;

/// <summary>
/// Reads a TRX file (Visual Studio's test results XML, which <c>dotnet test --logger trx</c>
/// writes) with an XML reader: the first <c>Counters</c> element's totals, the display
/// name of every <c>UnitTestResult</c> and the message of every failed one, against the tests
/// <c>dotnet test --list-tests</c> discovered.
/// </summary>
public static class TrxCounter
{
    /// <summary>
    /// Counts <paramref name="trx"/> (null: the run left no TRX, so nothing was reported)
    /// against <paramref name="discovered"/>. A discovered test is reported under its own
    /// name or, for a theory whose cases are found at run time, as <c>NAME(arguments)</c>.
    /// </summary>
    public static TrxCounts Count(TextReader? trx, IEnumerable<string> discovered)
    {
        ArgumentNullException.ThrowIfNull(discovered);
        long passed = 0, failed = 0, total = 0, executed = 0;
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var failures = new List<TrxFailure>();
        var countersSeen = false;
        if (trx is not null)
        {
            using var reader = XmlReader.Create(trx, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element)
                    continue;
                if (reader.LocalName == "UnitTestResult" && reader.GetAttribute("testName") is { } name)
                {
                    reported.Add(name);
                    if (reader.GetAttribute("outcome") == "Failed")
                        failures.Add(new TrxFailure(name, FirstMessage(reader)));
                }
                else if (reader.LocalName == "Counters" && !countersSeen)
                {
                    countersSeen = true;
                    passed = Attribute(reader, "passed");
                    failed = Attribute(reader, "failed");
                    total = Attribute(reader, "total");
                    executed = Attribute(reader, "executed");
                }
            }
        }

        var neverRan = discovered
            .Distinct(StringComparer.Ordinal)
            .Where(test => !reported.Contains(test) && !reported.Any(r => r.Contains(test + "(", StringComparison.Ordinal)))
            .ToArray();
        return new TrxCounts(passed, failed, total - executed, neverRan, failures);
    }

    /// <summary>The text of the first <c>Message</c> inside the result the reader stands on ("" if none).</summary>
    private static string FirstMessage(XmlReader reader)
    {
        if (reader.IsEmptyElement)
            return "";
        using var result = reader.ReadSubtree();
        while (result.Read())
        {
            if (result.NodeType == XmlNodeType.Element && result.LocalName == "Message")
                return result.ReadElementContentAsString();
        }

        return "";
    }

    private static long Attribute(XmlReader reader, string name) =>
        long.TryParse(reader.GetAttribute(name), out var value) ? value : 0;
}
