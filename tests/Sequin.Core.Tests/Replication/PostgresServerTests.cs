using Sequin.TestServers;

namespace Sequin.Core.Tests.Replication;

public sealed class PostgresServerTests
{
    [Fact]
    public async Task ThrowawayClusterAllowsLogicalReplicationAndIsDeletedOnDispose()
    {
        var server = await PostgresServer.StartAsync(CancellationToken.None);
        string directory;
        await using (server)
        {
            directory = server.DataDirectory;
            Assert.True(Directory.Exists(directory));
            Assert.Equal("logical", await server.ScalarAsync<string>("SHOW wal_level"));
            Assert.Equal("100", await server.ScalarAsync<string>("SHOW max_replication_slots"));
            Assert.Equal("off", await server.ScalarAsync<string>("SHOW fsync"));
            Assert.Equal("on", await server.ScalarAsync<string>("SHOW synchronous_commit"));
            Assert.Equal("127.0.0.1", await server.ScalarAsync<string>("SHOW listen_addresses"));

            await server.CreateDatabaseAsync("probe");
            await server.ExecuteAsync("CREATE TABLE t (id int); INSERT INTO t VALUES (41), (1)", "probe");
            Assert.Equal(42L, await server.ScalarAsync<long>("SELECT sum(id) FROM t", "probe"));
            Assert.Contains($"Port={server.Port}", server.ConnectionString("probe"), StringComparison.Ordinal);

            // A replication connection is accepted (pg_hba trusts replication from 127.0.0.1).
            await using var replication = new Npgsql.Replication.LogicalReplicationConnection(server.ConnectionString("probe"));
            await replication.Open();
            var system = await replication.IdentifySystem();
            Assert.Equal("probe", system.DbName);
        }

        Assert.False(Directory.Exists(directory));
    }
}
