using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sequin.Hosting.AspNetCore.Tests;

/// <summary>Issue 17: the Grafana dashboard in docs/ is valid JSON and queries only series the metrics reference documents.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public void TheDashboardQueriesOnlyDocumentedSeries()
    {
        var root = RepoRoot();
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "docs", "grafana", "sequin-dashboard.json")));
        var reference = File.ReadAllText(Path.Combine(root, "docs", "reference", "metrics.md"));

        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
        var series = expressions.SelectMany(e => SeriesName().Matches(e).Select(m => m.Value)).Select(n => n.Replace("_bucket", string.Empty, StringComparison.Ordinal)).Distinct().ToList();

        Assert.True(series.Count >= 10, $"the dashboard queries {series.Count} series");
        Assert.All(series, name => Assert.Contains($"`{name}`", reference, StringComparison.Ordinal));
        Assert.Contains("sequin_replication_lag_bytes", series);
        Assert.Contains("sequin_sink_batch_duration_seconds", series);
    }

    [GeneratedRegex("sequin_[a-z_]+")]
    private static partial Regex SeriesName();

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Sequin.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Sequin.sln not found above " + AppContext.BaseDirectory);
    }
}
