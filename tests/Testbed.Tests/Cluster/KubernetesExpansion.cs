// SPDX-License-Identifier: GPL-2.0-only
using System.Text;

namespace Testbed.Tests.Cluster;

/// <summary>
/// Kubernetes' expansion of a container's command and args: <c>$(NAME)</c> becomes the value of
/// the container's environment variable NAME when it is defined and stays as written when it is
/// not; <c>$$</c> is an escaped <c>$</c>; any other <c>$</c> is kept.
/// </summary>
internal static class KubernetesExpansion
{
    /// <summary><paramref name="text"/> with the references to <paramref name="environment"/> expanded.</summary>
    public static string Expand(string text, IReadOnlyDictionary<string, string> environment)
    {
        var output = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '$' || i + 1 == text.Length)
            {
                output.Append(text[i]);
                continue;
            }
            var next = text[i + 1];
            if (next == '$')
            {
                output.Append('$');
                i++;
                continue;
            }
            var close = next == '(' ? text.IndexOf(')', i + 2) : -1;
            if (close < 0)
            {
                output.Append('$');
                continue;
            }
            var name = text[(i + 2)..close];
            output.Append(environment.TryGetValue(name, out var value) ? value : text[i..(close + 1)]);
            i = close;
        }
        return output.ToString();
    }
}
