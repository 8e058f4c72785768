using Sequin.Configuration;
using Sequin.Host.Tests.Support;

namespace Sequin.Host.Tests.Configuration;

/// <summary>Issue 17: the top-level <c>http</c> key (<c>listen</c>, <c>token</c>) that turns the HTTP endpoint on.</summary>
public sealed class HttpConfigTests
{
    [Fact]
    public void WithoutTheKeyTheEndpointIsOff()
    {
        Assert.Null(Yaml.Load(Yaml.ValidConfig).Config!.Http);
    }

    [Theory]
    [InlineData("http: {}", "127.0.0.1", 7376, true)]
    [InlineData("http: { listen: \"localhost:0\" }", "localhost", 0, true)]
    [InlineData("http: { listen: \"[::1]:9000\" }", "[::1]", 9000, true)]
    [InlineData("http: { listen: \"0.0.0.0:7376\", token: s3cret-token }", "0.0.0.0", 7376, false)]
    public void ListenIsReadAsHostAndPort(string yaml, string host, int port, bool loopback)
    {
        var result = Yaml.Load(Yaml.ValidConfig + "\n" + yaml + "\n");

        Assert.Empty(result.Errors);
        var http = result.Config!.Http!;
        Assert.Equal((host, port, loopback), (http.Host, http.Port, http.IsLoopback));
    }

    [Theory]
    [InlineData("http: { listen: \"127.0.0.1\" }", "http.listen")]
    [InlineData("http: { listen: \"127.0.0.1:70000\" }", "http.listen")]
    [InlineData("http: { listen: \"::1:7376\" }", "http.listen")]
    [InlineData("http: { listen: \"example.com:7376\" }", "http.listen")]
    [InlineData("http: { token: \"\" }", "http.token")]
    [InlineData("http: { listn: \"127.0.0.1:1\" }", "http.listn")]
    [InlineData("http: 7376", "http")]
    public void ABadValueIsAnErrorNamingTheKey(string yaml, string path)
    {
        var result = Yaml.Load(Yaml.ValidConfig + "\n" + yaml + "\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTokenIsMaskedInTheExportAndInToString()
    {
        var config = Yaml.Load(Yaml.ValidConfig + "\nhttp: { listen: \"0.0.0.0:7376\", token: s3cret-token }\n").Config!;

        var exported = SequinConfigExporter.Export(config);

        Assert.DoesNotContain("s3cret-token", exported, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-token", config.Http!.ToString(), StringComparison.Ordinal);
        Assert.Contains("http: { listen: \"0.0.0.0:7376\", token: \"", exported, StringComparison.Ordinal);
        var again = Yaml.Load(exported).Config!.Http!;
        Assert.Equal(("0.0.0.0", 7376), (again.Host, again.Port));
    }

    [Fact]
    public void AllowedHostsSurviveTheExport()
    {
        var config = Yaml.Load(Yaml.ValidConfig + "\nhttp: { listen: \"127.0.0.1:7376\", allowed_hosts: [sequin.example.com, \"[fd00::5]\"] }\n").Config!;

        var again = Yaml.Load(SequinConfigExporter.Export(config)).Config!.Http!;

        Assert.Equal(["sequin.example.com", "[fd00::5]"], again.AllowedHosts);
    }
}
