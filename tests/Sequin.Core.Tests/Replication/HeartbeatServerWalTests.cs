using Microsoft.Extensions.Logging.Abstractions;
using Sequin.Core.Tests.Replication.Support;
using Sequin.Diagnostics;
using Sequin.Replication;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Replication;

/// <summary>
/// Issue 17: each heartbeat tells the replication status where the server's WAL is, so the lag metric keeps counting
/// while reading is paused (full sink buffers) and the stream's last received position stands still.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HeartbeatServerWalTests(PostgresFixture fixture)
{
    [Fact]
    public async Task AHeartbeatRecordsTheServersWalPositionAndThePositionOnlyMovesForward()
    {
        var database = await fixture.CreateDatabaseAsync("heartbeat_wal");
        var status = new ReplicationStatus(database);
        var emitter = new HeartbeatEmitter(fixture.Server.ConnectionString(database), "unused_slot", TimeSpan.FromSeconds(15), NullLogger.Instance, TimeProvider.System, status);
        var before = ReplicationHarness.ParseLsn((await fixture.Server.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text", database))!);

        await emitter.EmitAsync(CancellationToken.None);

        var after = ReplicationHarness.ParseLsn((await fixture.Server.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text", database))!);
        Assert.InRange(status.ServerWal, before, after);

        var first = status.ServerWal;
        status.OnServerWal(first - 1); // an older heartbeat answered late
        Assert.Equal(first, status.ServerWal);
        await emitter.EmitAsync(CancellationToken.None);
        Assert.True(status.ServerWal > first, $"{status.ServerWal} after {first}");
    }
}
