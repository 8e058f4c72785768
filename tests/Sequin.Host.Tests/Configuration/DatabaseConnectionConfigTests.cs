using Sequin.Configuration;
using Sequin.Host.Tests.Support;

namespace Sequin.Host.Tests.Configuration;

/// <summary>Issue 10: a database's TLS keys (<c>ssl_mode</c>, <c>ssl</c>, <c>ssl_root_cert</c>, url parameters) and <c>await_database</c>.</summary>
public sealed class DatabaseConnectionConfigTests
{
    private const string Hostname = "    hostname: db.internal\n";

    [Fact]
    public void WithoutTlsKeysTheModeIsLeftToTheDefaultAndAwaitDatabaseHasTheOriginalsDefaults()
    {
        var db = Assert.Single(Yaml.Load(Yaml.ValidConfig).Config!.Databases);

        Assert.Null(db.SslMode);
        Assert.Null(db.SslRootCert);
        Assert.Equal(new AwaitDatabaseConfig(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(3)), db.AwaitDatabase);
        Assert.DoesNotContain("SSL Mode", db.BuildConnectionString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void VerifyFullWithARootCertificateRelativeToTheConfigFolderReachesTheConnectionStringAndTheExport()
    {
        using var folder = new TempDirectory();
        var root = folder.Write("certs/root.pem", "-----BEGIN CERTIFICATE-----\n");
        var result = Yaml.Load(WithDatabaseKeys("ssl_mode: verify-full\n    ssl_root_cert: certs/root.pem\n    await_database: { timeout_ms: 60000, interval_ms: 500 }"), baseDirectory: folder.Path);

        Assert.Empty(result.Errors);
        var db = Assert.Single(result.Config!.Databases);
        Assert.Equal(DatabaseSslMode.VerifyFull, db.SslMode);
        Assert.Equal(root, db.SslRootCert);
        Assert.Equal(new AwaitDatabaseConfig(TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(500)), db.AwaitDatabase);
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(db.BuildConnectionString());
        Assert.Equal(Npgsql.SslMode.VerifyFull, connection.SslMode);
        Assert.Equal(root, connection.RootCertificate);

        var exported = SequinConfigExporter.Export(result.Config);
        Assert.Contains("ssl_mode: verify-full", exported, StringComparison.Ordinal);
        Assert.Contains("await_database: { timeout_ms: 60000, interval_ms: 500 }", exported, StringComparison.Ordinal);
        var again = Yaml.Load(exported, baseDirectory: folder.Path);
        Assert.Empty(again.Errors);
        Assert.Equal((db.SslMode, db.SslRootCert, db.AwaitDatabase), (again.Config!.Databases[0].SslMode, again.Config.Databases[0].SslRootCert, again.Config.Databases[0].AwaitDatabase));
    }

    [Fact]
    public void WalWarningThresholdsDefaultTo1GiBAnd10MinutesAndAreReadAndExported()
    {
        Assert.Equal(new WalWarningsConfig(1L << 30, TimeSpan.FromMinutes(10)), Yaml.Load(Yaml.ValidConfig).Config!.Databases[0].WalWarnings);

        var result = Yaml.Load(WithDatabaseKeys("wal_warnings: { retained_mb: 256, undelivered_age_ms: 0 }"));

        Assert.Empty(result.Errors);
        var db = result.Config!.Databases[0];
        Assert.Equal(new WalWarningsConfig(256L * 1024 * 1024, TimeSpan.Zero), db.WalWarnings);
        var exported = SequinConfigExporter.Export(result.Config);
        Assert.Contains("wal_warnings: { retained_mb: 256, undelivered_age_ms: 0 }", exported, StringComparison.Ordinal);
        Assert.Equal(db.WalWarnings, Yaml.Load(exported).Config!.Databases[0].WalWarnings);
    }

    [Fact]
    public void TheOriginalsSslTrueMeansRequireAndFalseMeansDisable()
    {
        Assert.Equal(DatabaseSslMode.Require, Yaml.Load(WithDatabaseKeys("ssl: true")).Config!.Databases[0].SslMode);
        Assert.Equal(DatabaseSslMode.Disable, Yaml.Load(WithDatabaseKeys("ssl: false")).Config!.Databases[0].SslMode);
        var require = new Npgsql.NpgsqlConnectionStringBuilder(Yaml.Load(WithDatabaseKeys("ssl: true")).Config!.Databases[0].BuildConnectionString());
        Assert.Equal(Npgsql.SslMode.Require, require.SslMode);
    }

    [Fact]
    public void SslModeAndRootCertificateInTheUrlAreHonouredNotDropped()
    {
        using var folder = new TempDirectory();
        var root = folder.Write("root.pem", "-----BEGIN CERTIFICATE-----\n");
        var yaml = Yaml.ValidConfig.Replace(
            "    hostname: db.internal\n    database: shop\n    password: hunter2\n",
            "    url: \"postgres://app:hunter2@db.internal:6432/shop?sslmode=verify-full&sslrootcert=root.pem\"\n",
            StringComparison.Ordinal);

        var result = Yaml.Load(yaml, baseDirectory: folder.Path);

        Assert.Empty(result.Errors);
        var db = result.Config!.Databases[0];
        Assert.Equal((DatabaseSslMode.VerifyFull, root, 6432, "shop"), (db.SslMode, db.SslRootCert, db.Port, db.Database));
    }

    [Theory]
    [InlineData("ssl_mode: sometimes", "databases[0].ssl_mode", "Must be one of disable, allow, prefer, require, verify-ca, verify-full")]
    [InlineData("ssl: true\n    ssl_mode: verify-full", "databases[0].ssl", "not both")]
    [InlineData("ssl_mode: require\n    ssl_root_cert: root.pem", "databases[0].ssl_root_cert", "only ssl_mode verify-ca or verify-full")]
    [InlineData("ssl_mode: verify-ca\n    ssl_root_cert: missing.pem", "databases[0].ssl_root_cert", "does not exist")]
    [InlineData("await_database: { timeout_ms: -1 }", "databases[0].await_database.timeout_ms", "Must be at least 0")]
    [InlineData("await_database: { interval_ms: 0 }", "databases[0].await_database.interval_ms", "Must be at least 1")]
    [InlineData("await_database: { timeout: 5 }", "databases[0].await_database.timeout", "Unknown")]
    [InlineData("wal_warnings: { retained_mb: -1 }", "databases[0].wal_warnings.retained_mb", "Must be at least 0")]
    [InlineData("wal_warnings: { undelivered_age: 5 }", "databases[0].wal_warnings.undelivered_age", "Unknown")]
    public void ABadTlsOrAwaitDatabaseKeyIsAnErrorNamingIt(string keys, string path, string message)
    {
        using var folder = new TempDirectory();
        folder.Write("root.pem", "-----BEGIN CERTIFICATE-----\n");

        var result = Yaml.Load(WithDatabaseKeys(keys), baseDirectory: folder.Path);

        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnsupportedUrlParameterIsAnErrorThatDoesNotEchoItsValue()
    {
        var yaml = Yaml.ValidConfig.Replace(
            "    hostname: db.internal\n    database: shop\n    password: hunter2\n",
            "    url: \"postgres://app@db.internal/shop?sslmode=require&options=topsecret\"\n",
            StringComparison.Ordinal);

        var error = Assert.Single(Yaml.Load(yaml).Errors);

        Assert.Equal("databases[0].url", error.Path);
        Assert.Contains("Unsupported url parameter 'options'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("topsecret", error.Message, StringComparison.Ordinal);
    }

    private static string WithDatabaseKeys(string keys) =>
        Yaml.ValidConfig.Replace(Hostname, Hostname + "    " + keys + "\n", StringComparison.Ordinal);
}
