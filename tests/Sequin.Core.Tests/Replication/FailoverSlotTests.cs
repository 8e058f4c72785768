using Sequin.Core.Tests.Replication.Support;
using Sequin.Replication;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Replication;

/// <summary>
/// Issue 30, item 2: <c>slot.failover</c> creates a failover slot on PostgreSQL 17+, and is a clear error on 16 and
/// on an existing slot created without it (PostgresFailoverTests runs the failover itself).
/// </summary>
[Collection(PostgresVersionMatrix.Postgres17)]
public sealed class FailoverSlotOnPostgres17Tests(Postgres17Fixture fixture)
{
    [Fact]
    public async Task TheSlotIsCreatedWithFailoverAndAnExistingSlotWithoutItIsAnError()
    {
        var database = await fixture.CreateDatabaseAsync("failover");
        await fixture.Server.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY)", database);
        var options = Options(fixture.Server, database, "failover_slot");
        await new ReplicationSource(options).PrepareAsync(CancellationToken.None);
        Assert.True(await fixture.Server.ScalarAsync<bool>("SELECT failover FROM pg_replication_slots WHERE slot_name = 'failover_slot'", database));

        await fixture.Server.ExecuteAsync("SELECT pg_create_logical_replication_slot('plain_slot', 'pgoutput')", database);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new ReplicationSource(Options(fixture.Server, database, "plain_slot")).PrepareAsync(CancellationToken.None));
        Assert.Contains("replication slot 'plain_slot' exists without failover", error.Message, StringComparison.Ordinal);
        Assert.Contains("ALTER_REPLICATION_SLOT plain_slot ( FAILOVER true )", error.Message, StringComparison.Ordinal);
        Assert.Contains($"dbname={database} replication=database", error.Message, StringComparison.Ordinal);
        await fixture.Server.ExecuteAsync("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name IN ('failover_slot', 'plain_slot')", database);
    }

    internal static ReplicationSourceOptions Options(PostgresServer server, string database, string slot) => new()
    {
        ConnectionString = server.ConnectionString(database),
        SlotName = slot,
        PublicationName = "pub",
        CreateSlotIfNotExists = true,
        CreatePublicationIfNotExists = true,
        SlotFailover = true,
    };
}

[Collection(PostgresVersionMatrix.Postgres16)]
public sealed class FailoverSlotOnPostgres16Tests(Postgres16Fixture fixture)
{
    [Fact]
    public async Task AFailoverSlotIsAnErrorBefore17AndNoSlotIsCreated()
    {
        var database = await fixture.CreateDatabaseAsync("failover");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new ReplicationSource(FailoverSlotOnPostgres17Tests.Options(fixture.Server, database, "failover16_slot")).PrepareAsync(CancellationToken.None));
        Assert.Contains("slot.failover is true, but failover slots need PostgreSQL 17 or later", error.Message, StringComparison.Ordinal);
        Assert.Contains("is 16", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await fixture.Server.ScalarAsync<long>("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'failover16_slot'", database));
    }
}
