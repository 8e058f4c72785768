using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Sinks.Postgres.Tests;

/// <summary>The <c>destination:</c> section as Core parses it, and the routing of a change to a table.</summary>
public sealed class PostgresSinkOptionsTests
{
    private readonly ISinkPlugin _sink = new PostgresSink();

    [Fact]
    public void AValidSectionParsesEveryKeyWithItsDefaults()
    {
        var result = _sink.Schema.Parse(Some.Config(("hostname", "replica.internal"), ("database", "copy"), ("password", "pw")), RoutingMode.Static, Some.Path);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var o = Assert.IsType<PostgresSinkOptions>(result.Options);
        Assert.Equal(
            ("replica.internal", 5432, "copy", "postgres", "pw", PostgresSslMode.Prefer, (string?)null, PostgresTruncateMode.Ignore, false, 30_000),
            (o.Hostname, o.Port, o.Database, o.Username, o.Password, o.SslMode, o.Table, o.Truncate, o.CreateTables, o.TimeoutMs));
    }

    [Fact]
    public void TheSourceDatabasesKeyNamesAndValuesAreAccepted()
    {
        var result = _sink.Schema.Parse(
            Some.Config(("hostname", "h"), ("port", "6543"), ("database", "d"), ("username", "writer"), ("ssl_mode", "verify-full"), ("ssl_root_cert", "/etc/ca.pem"), ("table", "archive.orders"), ("truncate", "apply"), ("create_tables", "true")),
            RoutingMode.Static,
            Some.Path);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var o = Assert.IsType<PostgresSinkOptions>(result.Options);
        Assert.Equal((6543, "writer", PostgresSslMode.VerifyFull, "/etc/ca.pem", "archive.orders", PostgresTruncateMode.Apply, true), (o.Port, o.Username, o.SslMode, o.SslRootCert, o.Table, o.Truncate, o.CreateTables));
    }

    [Fact]
    public void MistakesAreReportedOnTheirKeysAndThePasswordIsNeverShown()
    {
        var result = _sink.Schema.Parse(
            Some.Config(("port", "0"), ("password", "s3cret-pw"), ("ssl_mode", "sometimes"), ("truncate", "cascade"), ("table", "a.b.c"), ("ssl_root_cert", "/ca.pem")),
            RoutingMode.Static,
            Some.Path);

        Assert.Equal(
            [".database", ".hostname", ".port", ".ssl_mode", ".ssl_root_cert", ".table", ".truncate"],
            result.Errors.Select(e => e.Path[Some.Path.Length..]).Order(StringComparer.Ordinal));
        Assert.Contains(result.Errors, e => e.Message.Contains("schema.name", StringComparison.Ordinal));
        Assert.All(result.Errors, e => Assert.DoesNotContain("s3cret-pw", e.Message, StringComparison.Ordinal));
        var exported = _sink.Schema.Export(new PostgresSinkOptions { Hostname = "h", Database = "d", Password = "s3cret-pw" });
        Assert.Contains(exported, kv => kv.Key == "password");
        Assert.DoesNotContain(exported, kv => kv.Value.Contains("s3cret-pw", StringComparison.Ordinal));
    }

    [Fact]
    public void ARootCertificateWithoutVerificationAndAStaticTableWithARoutingFunctionAreRefusedNamingTheKey()
    {
        var cert = _sink.Schema.Parse(Some.Config(("hostname", "h"), ("database", "d"), ("ssl_root_cert", "/ca.pem")), RoutingMode.Static, Some.Path);
        var table = _sink.Schema.Parse(Some.Config(("hostname", "h"), ("database", "d"), ("table", "t")), RoutingMode.Dynamic, Some.Path);

        var certError = Assert.Single(cert.Errors);
        Assert.Equal(Some.Path + ".ssl_root_cert", certError.Path);
        Assert.Contains("verify-ca or verify-full", certError.Message, StringComparison.Ordinal);
        var tableError = Assert.Single(table.Errors);
        Assert.Equal(Some.Path + ".table", tableError.Path);
        Assert.Contains("routing function", tableError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDefaultTableIsTheSourcesSchemaAndNameAndAStaticTableReplacesIt()
    {
        var route = new Route(_sink.Routing.Keys);
        _sink.Routing.ApplyDefaultRoute(Some.Change(1), route);
        Assert.Equal("public.orders", route[PostgresSink.TableKey]);

        _sink.Routing.ApplyStaticRoute(new PostgresSinkOptions(), route);
        Assert.Equal("public.orders", route[PostgresSink.TableKey]);
        _sink.Routing.ApplyStaticRoute(new PostgresSinkOptions { Table = "copy.orders_v2" }, route);
        Assert.Equal("copy.orders_v2", route[PostgresSink.TableKey]);
        Assert.Null(_sink.Routing.Validate(route));
    }

    [Theory]
    [InlineData("orders", true)]
    [InlineData("Archive.Orders 2024", true)]
    [InlineData("a.b.c", false)]
    [InlineData("with\"quote", false)]
    [InlineData(".orders", false)]
    [InlineData("", false)]
    public void ARoutedTableIsANameOrSchemaDotName(string table, bool valid) =>
        Assert.Equal(valid, _sink.Routing.Keys.Single().Check(table) is null);

    [Fact]
    public void OnlyTheTableIsRoutedAndBatchesNeverMixTables()
    {
        Assert.Equal(["table"], _sink.Routing.Keys.Select(k => k.Name));
        Assert.All(_sink.Schema.Fields, f => Assert.False(f.Routable));
        Assert.Equal(["table"], _sink.GetLimits(new PostgresSinkOptions()).BatchBy);
        Assert.Contains("metadata.table_schema", _sink.Routing.DefaultRoutingFunction, StringComparison.Ordinal);
    }
}
