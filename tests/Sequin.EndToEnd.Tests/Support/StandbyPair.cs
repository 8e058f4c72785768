using System.Diagnostics;
using System.Text.RegularExpressions;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>
/// Helpers for tests of hosts that share one configuration (active/standby): each host gets its own copy of the
/// configuration with its own stdout file (two hosts appending to one file would interleave lines), and the log lines
/// that say which host leads.
/// </summary>
public static partial class StandbyPair
{
    /// <summary>The log line of a host that took the leader lock (event 1320).</summary>
    public const string Leads = "this host leads";

    /// <summary>The log line of a host that stands by (event 1321).</summary>
    public const string StandingBy = "standing by; another host holds advisory lock";

    /// <summary>The log line of a leader that lost its lock and stopped (event 1322).</summary>
    public const string Fenced = "lost leadership";

    /// <summary>
    /// Writes a copy of <paramref name="configPath"/> for host <paramref name="name"/> whose stdout sink writes to
    /// <paramref name="outputPath"/> instead of <paramref name="sharedOutputPath"/>; returns the copy's path.
    /// </summary>
    public static string ConfigFor(string configPath, string sharedOutputPath, string name, string outputPath)
    {
        var copy = Path.Combine(Path.GetDirectoryName(configPath)!, name + ".yaml");
        File.WriteAllText(copy, File.ReadAllText(configPath).Replace(sharedOutputPath, outputPath, StringComparison.Ordinal));
        return copy;
    }

    /// <summary>Waits until <paramref name="host"/> logged <paramref name="text"/>; returns how long that took from <paramref name="since"/>.</summary>
    public static async Task<TimeSpan> WaitForLogAsync(ChildProcess host, string text, Stopwatch since, TimeSpan? timeout = null)
    {
        await host.WaitForOutputAsync(text, timeout ?? TimeSpan.FromSeconds(60));
        return since.Elapsed;
    }

    /// <summary>The base address of the host's HTTP endpoint, from its log line (event 7120).</summary>
    public static async Task<Uri> HttpAddressAsync(ChildProcess host)
    {
        await host.WaitForOutputAsync("HTTP endpoint listening on ", TimeSpan.FromSeconds(60));
        return new Uri(HttpListening().Match(host.Output).Groups[1].Value);
    }

    [GeneratedRegex(@"HTTP endpoint listening on (\S+)")]
    private static partial Regex HttpListening();
}
