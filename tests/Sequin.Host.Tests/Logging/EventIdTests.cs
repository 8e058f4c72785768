using System.Text.RegularExpressions;
using Sequin.TestServers;

namespace Sequin.Host.Tests.Logging;

/// <summary>
/// Every log event of every Sequin assembly (the tool, the libraries, the shipped sinks) has its own event id, so that
/// an operator's filter or alert on an id means one thing: read from the sources' <c>[LoggerMessage(id, ...)]</c>.
/// </summary>
public sealed partial class EventIdTests
{
    [Fact]
    public void NoEventIdIsUsedTwiceAcrossTheSequinAssemblies()
    {
        var uses = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => LoggerMessageId().Matches(File.ReadAllText(f)).Select(m => (Id: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), File: Path.GetRelativePath(RepositoryPaths.Root, f))))
            .ToList();

        Assert.True(uses.Count > 50, $"only {uses.Count} log events found: the pattern no longer matches the sources");
        var reused = uses.GroupBy(u => u.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(u => u.File))}").ToList();
        Assert.True(reused.Count == 0, "event ids used more than once: " + string.Join("; ", reused));
    }

    [GeneratedRegex(@"\[LoggerMessage\((?:EventId\s*=\s*)?(\d+)")]
    private static partial Regex LoggerMessageId();
}
