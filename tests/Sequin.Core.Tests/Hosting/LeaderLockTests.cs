using System.Diagnostics;
using Sequin.Core.Tests.Replication.Support;
using Sequin.Hosting;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Hosting;

/// <summary>
/// Issue 30: the leader lock on a real PostgreSQL. One holder at a time, released when its session ends, its key the
/// one the documented SQL computes (so a DBA finds the holder in <c>pg_locks</c>), and a terminated lock session seen
/// by the leader's watch within its check interval.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LeaderLockTests(PostgresFixture fixture)
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData("sequin_slot")]
    [InlineData("orders_ha")]
    [InlineData("slöt_ünïcode")]
    public async Task TheKeyIsTheOneTheDocumentedSqlComputesFromTheSlotName(string slot)
    {
        var fromSql = await fixture.Server.ScalarAsync<long>("SELECT " + LeaderLock.KeySql.Replace("$1", $"'{slot}'", StringComparison.Ordinal));

        Assert.Equal(fromSql, LeaderLock.KeyFor(slot));
        Assert.NotEqual(LeaderLock.KeyFor(slot), LeaderLock.KeyFor(slot + "_2"));
    }

    [Fact]
    public void TheKeyOfTheDocumentedExampleIsTheOneTheDocsShow() =>
        Assert.Equal(5042891589868625576L, LeaderLock.KeyFor("sequin_slot")); // docs/how-to/run-highly-available.md

    [Theory]
    [InlineData(1_000, 10_000)]
    [InlineData(9_999, 10_000)]
    [InlineData(15_000, 15_000)]
    public void ACheckMayTakeTheIntervalAndAtLeastTenSecondsBeforeTheLeaderFencesItself(int intervalMs, int timeoutMs) =>
        // A check that times out breaks the lock connection: a loaded machine must not fence itself on a 2 s stall.
        Assert.Equal(TimeSpan.FromMilliseconds(timeoutMs), new Sequin.Configuration.LeaderLockConfig(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(intervalMs)).CheckTimeout);

    [Fact]
    public async Task OnlyOneHostHoldsTheLockAndEndingItsSessionLetsTheNextOneTakeIt()
    {
        var database = await fixture.CreateDatabaseAsync("leaderlock");
        var connectionString = fixture.Server.ConnectionString(database);
        await using var first = new LeaderLock(connectionString, "slot_one", CheckTimeout);
        await using var second = new LeaderLock(connectionString, "slot_one", CheckTimeout);
        await using var other = new LeaderLock(connectionString, "slot_two", CheckTimeout);

        Assert.True(await first.TryAcquireAsync(CancellationToken.None));
        Assert.False(await second.TryAcquireAsync(CancellationToken.None));
        Assert.True(await other.TryAcquireAsync(CancellationToken.None)); // another slot, another lock
        Assert.Equal(1L, await fixture.Server.ScalarAsync<long>(HolderCountSql(first.Key), database));

        await first.DisposeAsync();

        Assert.True(await second.TryAcquireAsync(CancellationToken.None));
        Assert.Equal(1L, await fixture.Server.ScalarAsync<long>(HolderCountSql(second.Key), database));
    }

    [Fact]
    public async Task TheWatchReportsATerminatedLockSessionWithinItsCheckInterval()
    {
        var database = await fixture.CreateDatabaseAsync("leaderfence");
        await using var leader = new LeaderLock(fixture.Server.ConnectionString(database), "slot_fence", CheckTimeout);
        Assert.True(await leader.TryAcquireAsync(CancellationToken.None));
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var watch = leader.WatchAsync(TimeSpan.FromMilliseconds(200), TimeProvider.System, stop.Token);
        var clock = Stopwatch.StartNew();
        await fixture.Server.ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = {leader.Key}", database);
        var reason = await watch.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("terminating connection", reason, StringComparison.Ordinal);
        Assert.False(leader.Held);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the loss was seen after {clock.Elapsed.TotalMilliseconds:0} ms");

        // Its session is gone, and so is the lock: another host takes it.
        await using var next = new LeaderLock(fixture.Server.ConnectionString(database), "slot_fence", CheckTimeout);
        Assert.True(await next.TryAcquireAsync(CancellationToken.None));
    }

    private static string HolderCountSql(long key) =>
        $"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = {key}";
}
