using System.Text;
using Microsoft.Extensions.Configuration;
using Sequin.Configuration;
using Sequin.Host.Cli;
using Sequin.Host.Tests.Support;

namespace Sequin.Host.Tests.Configuration;

/// <summary>Input that would exhaust the process fails with one clear error naming the key instead.</summary>
public sealed class ConfigLimitsTests
{
    /// <summary>The classic "billion laughs": 9 levels of 9 aliases, a few hundred bytes expanding to 9^9 values.</summary>
    private static readonly string AliasBomb = """
        sinks:
          - name: a
            annotations:
              l0: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
              l1: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
              l2: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
              l3: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
              l4: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
              l5: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
              l6: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
              l7: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
              l8: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
        """;

    [Fact]
    public void AliasBombIsRefusedNamingTheKeyWithoutExpandingIt()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<SequinConfigurationException>(() => Yaml.ToConfiguration(AliasBomb));

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("sinks[0].annotations.l", error.Path, StringComparison.Ordinal);
        Assert.Matches(@"^Its aliases expand the file to more than 100,000 values \(here, an alias of the value at line \d+, column \d+\)", error.Message);
        Assert.True(allocated < 200L * 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task SequinValidateRefusesTheAliasBombWithOneError()
    {
        using var dir = new TempDirectory();
        using var plugins = new PluginFolder(withStdout: false);
        var path = dir.Write("sequin.yaml", AliasBomb);
        var options = new SequinCliOptions { DefaultPluginsDirectory = plugins.Path, GetEnvironmentVariable = _ => null };

        var (exit, output, error) = await CliRunner.RunAsync(options, "validate", "--config", path);

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("1 error(s)", error, StringComparison.Ordinal);
        Assert.Contains("  sinks[0].annotations.l", error, StringComparison.Ordinal);
        Assert.Contains("a configuration this large is refused", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AliasesOfLargeTextAreBoundedByTotalSize()
    {
        var big = new string('x', 1024 * 1024);
        var yaml = $"sinks:\n  - name: a\n    annotations:\n      big: &big \"{big}\"\n      copies: [{string.Join(", ", Enumerable.Repeat("*big", 40))}]\n";

        var ex = Assert.Throws<SequinConfigurationException>(() => Yaml.ToConfiguration(yaml));

        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("sinks[0].annotations.copies[", error.Path, StringComparison.Ordinal);
        Assert.Contains("characters of values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModestAliasUseStillWorks()
    {
        var config = Yaml.ToConfiguration("""
            sinks:
              - name: a
                annotations: &notes { team: core, tags: [x, y] }
              - name: b
                annotations: *notes
            """);

        Assert.Equal("core", config["sinks:1:annotations:team"]);
        Assert.Equal("y", config["sinks:1:annotations:tags:1"]);
    }

    [Theory]
    [InlineData(3_000)]
    [InlineData(200_000)]
    public void DeeplyNestedYamlIsRefusedNamingTheKeyPath(int levels)
    {
        var yaml = "sinks:\n  - name: a\n    annotations:\n      deep: " + new string('[', levels) + new string(']', levels) + "\n";

        var ex = Assert.Throws<SequinConfigurationException>(() => Yaml.ToConfiguration(yaml));

        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("sinks[0].annotations.deep[0][0]", error.Path, StringComparison.Ordinal);
        Assert.Contains("Nested more than 64 levels deep (line 4, column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NestingBuiltThroughAliasesIsRefusedToo()
    {
        var thirty = new string('[', 30);
        var close = new string(']', 30);
        var yaml = $"""
            sinks:
              - name: a
                annotations:
                  a: &a {thirty}1{close}
                  b: &b {thirty}*a{close}
                  c: {thirty}*b{close}
            """;

        var ex = Assert.Throws<SequinConfigurationException>(() => Yaml.ToConfiguration(yaml));

        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("sinks[0].annotations.c", error.Path, StringComparison.Ordinal);
        Assert.Contains("Nested more than 64 levels deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NestingWithinTheLimitIsKept()
    {
        // annotations is at level 4; 60 more levels reach the limit of 64.
        var yaml = "sinks:\n  - name: a\n    annotations:\n      deep: " + new string('[', 60) + "1" + new string(']', 60) + "\n";

        var config = Yaml.ToConfiguration(yaml);

        Assert.Equal("1", config["sinks:0:annotations:deep" + string.Concat(Enumerable.Repeat(":0", 60))]);
    }

    [Fact]
    public void AnnotationsNestedDeepInAnyConfigurationSourceAreAnErrorNotACrash()
    {
        // E.g. SEQUIN_SINKS__0__ANNOTATIONS__K__K__... environment variables, or an embedding host's own provider.
        var key = "sinks:0:annotations" + string.Concat(Enumerable.Repeat(":k", 3_000));
        var yaml = Yaml.ToConfiguration(Yaml.ValidConfig);
        var configuration = new ConfigurationBuilder()
            .AddConfiguration(yaml)
            .AddInMemoryCollection(new Dictionary<string, string?> { [key] = "v" })
            .Build();

        var result = SequinConfigLoader.Load(configuration, Yaml.Catalog());

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("sinks[0].annotations.k.k", error.Path, StringComparison.Ordinal);
        Assert.Equal("Nested more than 64 levels deep; flatten the value.", error.Message);
        Assert.Null(result.Config);
    }
}
