using Xunit;

namespace Sequin.TestServers;

/// <summary>
/// An xunit fixture owning one <see cref="PostgresServer"/> for a test class or collection
/// (<c>IClassFixture&lt;PostgresFixture&gt;</c> or a <c>[CollectionDefinition]</c> with <c>ICollectionFixture&lt;PostgresFixture&gt;</c>).
/// Give each test its own database (<see cref="CreateDatabaseAsync"/>) so tests stay independent.
/// </summary>
public class PostgresFixture : IAsyncLifetime
{
    private readonly PostgresVersion _version;
    private PostgresServer? _server;
    private int _databaseCounter;

    /// <summary>A fixture of a PostgreSQL 15 server.</summary>
    public PostgresFixture()
        : this(PostgresVersion.V15)
    {
    }

    /// <summary>A fixture of a <paramref name="version"/> server.</summary>
    protected PostgresFixture(PostgresVersion version) => _version = version;

    /// <summary>The major this fixture runs.</summary>
    public PostgresVersion Version => _version;

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
    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync(_version).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>A <see cref="PostgresFixture"/> of a PostgreSQL 18 server (installed by scripts/install-deps.sh).</summary>
public sealed class Postgres18Fixture : PostgresFixture
{
    /// <summary>A fixture of a PostgreSQL 18 server.</summary>
    public Postgres18Fixture()
        : base(PostgresVersion.V18)
    {
    }
}

/// <summary>A <see cref="PostgresFixture"/> of a PostgreSQL 14 server (installed by scripts/install-deps.sh).</summary>
public sealed class Postgres14Fixture : PostgresFixture
{
    /// <summary>A fixture of a PostgreSQL 14 server.</summary>
    public Postgres14Fixture()
        : base(PostgresVersion.V14)
    {
    }
}

/// <summary>A <see cref="PostgresFixture"/> of a PostgreSQL 16 server (installed by scripts/install-deps.sh).</summary>
public sealed class Postgres16Fixture : PostgresFixture
{
    /// <summary>A fixture of a PostgreSQL 16 server.</summary>
    public Postgres16Fixture()
        : base(PostgresVersion.V16)
    {
    }
}

/// <summary>A <see cref="PostgresFixture"/> of a PostgreSQL 17 server (installed by scripts/install-deps.sh).</summary>
public sealed class Postgres17Fixture : PostgresFixture
{
    /// <summary>A fixture of a PostgreSQL 17 server.</summary>
    public Postgres17Fixture()
        : base(PostgresVersion.V17)
    {
    }
}
