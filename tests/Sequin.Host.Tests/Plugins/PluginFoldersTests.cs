using Sequin.Host.Cli;
using Sequin.Host.Tests.Support;
using Sequin.Hosting.Plugins;

namespace Sequin.Host.Tests.Plugins;

/// <summary>
/// Issue 28: plugins folders beside the tool's own <c>plugins/</c> (which <c>dotnet tool update</c> deletes):
/// <c>--plugins-dir</c>, <c>SEQUIN_PLUGINS_DIR</c> and the user plugins folder, all searched in addition to the shipped
/// sinks, in that order; the first plugin to claim a type name keeps it.
/// </summary>
public sealed class PluginFoldersTests : IDisposable
{
    private readonly PluginFolder _shipped = new();
    private readonly PluginFolder _first = new(withStdout: false);
    private readonly PluginFolder _second = new(withStdout: false);
    private readonly TempDirectory _home = new();

    [Fact]
    public void PluginsOfEveryFolderLoadTogether()
    {
        _second.AddImpostor("Acme.Search", "Typesense");

        var result = PluginDirectory.Load([new PluginSource(_shipped.Path, "shipped"), new PluginSource(_first.Path, "first"), new PluginSource(_second.Path, "second")]);

        Assert.Empty(result.Failures);
        Assert.Equal(
            [Path.Combine(_shipped.Path, "Sequin.Sinks.Stdout", "Sequin.Sinks.Stdout.dll"), Path.Combine(_second.Path, "Acme.Search", "Acme.Search.dll")],
            result.Plugins.Select(p => p.AssemblyPath));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ATypeNameClaimedInTwoFoldersIsKeptByTheFolderSearchedFirstAndTheOtherIsReportedNamingBoth(bool reversed)
    {
        _first.AddImpostor("Zed.Search", "Typesense");
        _second.AddImpostor("Acme.Search", "Typesense"); // sorts first by name: the folder order decides, not the name
        var first = new PluginSource(_first.Path, "--plugins-dir");
        var second = new PluginSource(_second.Path, "user plugins folder");
        var sources = reversed ? new[] { second, first } : [first, second];
        var (winner, loser) = reversed ? (Path.Combine(_second.Path, "Acme.Search", "Acme.Search.dll"), Path.Combine(_first.Path, "Zed.Search", "Zed.Search.dll"))
            : (Path.Combine(_first.Path, "Zed.Search", "Zed.Search.dll"), Path.Combine(_second.Path, "Acme.Search", "Acme.Search.dll"));

        var result = PluginDirectory.Load(sources);

        Assert.Equal([winner], result.Plugins.Select(p => p.AssemblyPath));
        var failure = Assert.Single(result.Failures);
        Assert.Equal(loser, failure.Source);
        Assert.Contains("claims the sink type 'typesense', already loaded from " + winner, failure.Reason, StringComparison.Ordinal);
        Assert.Contains(reversed ? "(user plugins folder), which is searched first" : "(--plugins-dir), which is searched first", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ACopyOfAShippedPluginInAnotherFolderIsSkippedForTheShippedOneWithoutAFailure()
    {
        using var copy = new PluginFolder(); // e.g. --plugins-dir pointing at a copy of the tool's own plugins/

        var result = PluginDirectory.Load([new PluginSource(_shipped.Path, "shipped"), new PluginSource(copy.Path, "--plugins-dir"), new PluginSource(_shipped.Path, "again")]);

        Assert.Empty(result.Failures);
        Assert.Equal([Path.Combine(_shipped.Path, "Sequin.Sinks.Stdout", "Sequin.Sinks.Stdout.dll")], result.Plugins.Select(p => p.AssemblyPath));
    }

    [Fact]
    public async Task PluginsListsEveryFolderInSearchOrderAndWhereEachPluginCameFrom()
    {
        var user = Path.Combine(_home.Path, "xdg", "sequin", "plugins");
        Directory.CreateDirectory(user);
        using var userFolder = new PluginFolder(withStdout: false);
        userFolder.AddImpostor("Acme.Search", "Typesense");
        Directory.Move(Path.Combine(userFolder.Path, "Acme.Search"), Path.Combine(user, "Acme.Search"));
        var options = Options(new() { ["XDG_DATA_HOME"] = Path.Combine(_home.Path, "xdg"), ["SEQUIN_PLUGINS_DIR"] = _second.Path });

        var (exit, output, _) = await CliRunner.RunAsync(options, "plugins", "--plugins-dir", _first.Path);

        Assert.Equal(0, exit);
        Assert.Contains(
            $"  {_shipped.Path} (shipped with the tool)\n  {_first.Path} (--plugins-dir)\n  {_second.Path} (SEQUIN_PLUGINS_DIR)\n  {user} (user plugins folder)\n",
            output.ReplaceLineEndings("\n"),
            StringComparison.Ordinal);
        Assert.Contains($"stdout: Writes each change", output, StringComparison.Ordinal);
        Assert.Contains($"  from {Path.Combine(_shipped.Path, "Sequin.Sinks.Stdout", "Sequin.Sinks.Stdout.dll")} (shipped with the tool)", output, StringComparison.Ordinal);
        Assert.Contains("\ntypesense: ", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains($"  from {Path.Combine(user, "Acme.Search", "Acme.Search.dll")} (user plugins folder)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PluginsDirIsSearchedInAdditionToTheShippedSinks()
    {
        _first.AddImpostor("Acme.Search", "Typesense");
        var config = _home.Write("sequin.yaml", """
            databases:
              - name: shop
                hostname: 127.0.0.1
                database: shop
                slot: { name: s, create_if_not_exists: true }
                publication: { name: p, create_if_not_exists: true }
            sinks:
              - name: shipped
                database: shop
                destination: { type: stdout }
              - name: third-party
                database: shop
                destination: { type: typesense, endpoint_url: "http://127.0.0.1:8108", collection_name: c, api_key: k }
            """);

        var (exit, output, error) = await CliRunner.RunAsync(Options([]), "validate", "--config", config, "--plugins-dir", _first.Path);

        Assert.True(exit == 0, error);
        Assert.Contains("sink shipped: stdout from shop", output, StringComparison.Ordinal);
        Assert.Contains("sink third-party: typesense from shop", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/data", "/home/u", "/data/sequin/plugins")]
    [InlineData("relative/data", "/home/u", "/home/u/.local/share/sequin/plugins")] // XDG: a relative path is ignored
    [InlineData(null, "/home/u", "/home/u/.local/share/sequin/plugins")]
    [InlineData(null, null, null)]
    public void TheUserPluginsFolderFollowsXdgDataHome(string? xdgDataHome, string? home, string? expected)
    {
        var env = new Dictionary<string, string?> { ["XDG_DATA_HOME"] = xdgDataHome, ["HOME"] = home };

        Assert.Equal(expected, PluginSources.UserDirectory(name => env.GetValueOrDefault(name)));
    }

    public void Dispose()
    {
        _shipped.Dispose();
        _first.Dispose();
        _second.Dispose();
        _home.Dispose();
    }

    private SequinCliOptions Options(Dictionary<string, string> env) => new()
    {
        DefaultPluginsDirectory = _shipped.Path,
        GetEnvironmentVariable = name => env.GetValueOrDefault(name),
    };
}
