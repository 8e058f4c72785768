using Xunit;

namespace Sequin.TestServers;

/// <summary>
/// An xunit fixture owning one <see cref="PostgresServer"/> for a test class or collection
/// (<c>IClassFixture&lt;PostgresFixture&gt;</c> or a <c>[CollectionDefinition]</c> with <c>ICollectionFixture&lt;PostgresFixture&gt;</c>).
/// Give each test its own database (<see cref="CreateDatabaseAsync"/>) so tests stay independent.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private int _databaseCounter;

    /// <summary>The running server.</summary>
    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not started.");

    /// <summary>Creates a fresh database with a unique name that starts with <paramref name="prefix"/>, and returns its name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databaseCounter)}".ToLowerInvariant();
        await Server.CreateDatabaseAsync(name).ConfigureAwait(false);
        return name;
    }

    /// <inheritdoc />
    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
