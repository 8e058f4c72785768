using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;
using Xunit.Abstractions;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 10: the connection to PostgreSQL can require TLS. Against a PostgreSQL started with <c>ssl = on</c> and a
/// certificate signed by a CA made in the test: <c>ssl_mode: require</c>, <c>verify-full</c> with the right root
/// certificate (as keys and as <c>url</c> parameters) replicate over TLS; <c>verify-full</c> with another CA's root
/// fails at once with the reason.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PostgresTlsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RequireAndVerifyFullReplicateOverTlsAndAWrongRootCertificateFailsClearly()
    {
        await using var server = await PostgresServer.StartAsync();
        var certificates = TestCertificates.Create("Sequin Test CA");
        await server.EnableSslAsync(certificates.ServerPem, certificates.ServerKeyPem);
        await using var scenario = await StdoutScenario.CreateAsync(server, "tls");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY)");
        File.WriteAllText(Path.Combine(scenario.Directory, "root.pem"), certificates.CaPem);
        File.WriteAllText(Path.Combine(scenario.Directory, "other-root.pem"), TestCertificates.Create("Another CA").CaPem);

        // Without TLS settings the check below must be able to fail: disable gives a plain connection.
        Assert.False(await ReplicatesOverTlsAsync(scenario, "ssl_mode: disable", 1));
        Assert.True(await ReplicatesOverTlsAsync(scenario, "ssl_mode: require", 2));
        Assert.True(await ReplicatesOverTlsAsync(scenario, "ssl: true", 3));
        Assert.True(await ReplicatesOverTlsAsync(scenario, "ssl_mode: verify-full\nssl_root_cert: root.pem", 4));
        Assert.True(await ReplicatesOverTlsAsync(scenario, url: $"postgres://postgres@127.0.0.1:{server.Port}/{scenario.Database}?sslmode=verify-full&sslrootcert=root.pem", row: 5));

        // The wrong root: no connection, at once (no waiting for a database that answers), with the reason.
        scenario.DatabaseExtraYaml = "ssl_mode: verify-full\nssl_root_cert: other-root.pem";
        var config = scenario.WriteConfig();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (exit, text) = await SequinHostProcess.RunToEndAsync("run", "--config", config, "--plugins-dir", BuildPaths.Plugins);
        output.WriteLine(text);
        Assert.Equal(1, exit);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed.TotalSeconds:0.0} s: it waited as if the database were down");
        Assert.Contains("sequin run: Database 'db' (127.0.0.1:", text, StringComparison.Ordinal);
        Assert.Contains("did not verify (ssl_mode verify-full)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("not reachable yet", text, StringComparison.Ordinal);
    }

    /// <summary>Runs the host with the TLS keys given, inserts <paramref name="row"/>, waits for it, and says whether the walsender's connection was TLS.</summary>
    private static async Task<bool> ReplicatesOverTlsAsync(StdoutScenario scenario, string databaseYaml = "", int row = 0, string? url = null)
    {
        scenario.DatabaseExtraYaml = databaseYaml;
        var config = scenario.WriteConfig();
        if (url is not null)
        {
            // The url form replaces hostname/port/database/username.
            var yaml = File.ReadAllText(config);
            var start = yaml.IndexOf("    hostname:", StringComparison.Ordinal);
            var end = yaml.IndexOf("    slot:", StringComparison.Ordinal);
            File.WriteAllText(config, yaml[..start] + $"    url: \"{url}\"\n" + yaml[end..]);
        }

        await using var host = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(host);
        var tls = await scenario.ScalarAsync<bool>(
            $"SELECT s.ssl FROM pg_replication_slots r JOIN pg_stat_ssl s ON s.pid = r.active_pid WHERE r.slot_name = '{scenario.SlotName}'");
        await scenario.ExecuteAsync($"INSERT INTO t VALUES ({row})");
        await Eventually.UntilAsync(
            () => StdoutSinkOutput.Read(scenario.OutputPath).Any(m => (int)m["record"]!["id"]! == row),
            () => $"row {row} delivered; host output:\n{host.Output}");
        Assert.Equal(0, await host.StopAsync());
        return tls;
    }
}
