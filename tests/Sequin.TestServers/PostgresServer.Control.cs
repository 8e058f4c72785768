using System.Diagnostics;
using Npgsql;

namespace Sequin.TestServers;

/// <summary>Fault injection and TLS for a <see cref="PostgresServer"/>: stop, start again, restart, <c>ssl = on</c>.</summary>
public sealed partial class PostgresServer
{
    /// <summary>Whether the server is running (its postmaster.pid exists).</summary>
    public bool IsRunning => File.Exists(Path.Combine(DataDirectory, "postmaster.pid"));

    /// <summary>Stops the server (<paramref name="mode"/>: <c>fast</c> closes connections cleanly, <c>immediate</c> as a crash would).</summary>
    public Task StopAsync(string mode = "fast", CancellationToken cancellationToken = default) =>
        StopAsync(mode, TimeSpan.FromSeconds(60), cancellationToken);

    /// <summary>
    /// Stops the server in <paramref name="mode"/>, failing with pg_ctl's "server does not shut down" when it has not
    /// stopped after <paramref name="timeout"/> (whole seconds; the server then goes on shutting down).
    /// </summary>
    public async Task StopAsync(string mode, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await ClearPoolsAsync().ConfigureAwait(false);
        var seconds = Math.Max(1, (int)timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (code, output) = await RunPgAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", mode, "-w", "-t", seconds], cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException($"pg_ctl stop failed (exit {code}): {output}");
        }
    }

    /// <summary>Starts the stopped server again on the same port and waits until it accepts connections.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        var logFile = Path.Combine(DataDirectory, "server.log");
        var (code, output) = await RunPgAsync("pg_ctl", ["start", "-D", DataDirectory, "-l", logFile, "-w", "-t", "60"], cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            var log = File.Exists(logFile) ? await File.ReadAllTextAsync(logFile, cancellationToken).ConfigureAwait(false) : "(no log)";
            throw new InvalidOperationException($"pg_ctl start failed (exit {code}): {output}\n{log}");
        }

        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException) when (clock.Elapsed < StartTimeout)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops (in <paramref name="mode"/>) and starts the server again.</summary>
    public async Task RestartAsync(string mode = "fast", CancellationToken cancellationToken = default)
    {
        await StopAsync(mode, cancellationToken).ConfigureAwait(false);
        await StartAgainAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Turns TLS on with <paramref name="certificatePem"/> and <paramref name="privateKeyPem"/> (written into the data
    /// directory, owned by the server's user, key mode 0600) and restarts. Plain connections keep working.
    /// </summary>
    public async Task EnableSslAsync(string certificatePem, string privateKeyPem, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificatePem);
        ArgumentNullException.ThrowIfNull(privateKeyPem);
        var cert = Path.Combine(DataDirectory, "server.crt");
        var key = Path.Combine(DataDirectory, "server.key");
        await File.WriteAllTextAsync(cert, certificatePem, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(key, privateKeyPem, cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        if (_asPostgresUser)
        {
            var (code, output) = await RunAsync("chown", ["postgres", cert, key], null, cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                throw new InvalidOperationException($"chown failed (exit {code}): {output}");
            }
        }

        await File.AppendAllTextAsync(
            Path.Combine(DataDirectory, "postgresql.conf"),
            $"\nssl = on\nssl_cert_file = '{cert}'\nssl_key_file = '{key}'\n",
            cancellationToken).ConfigureAwait(false);
        await RestartAsync("fast", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the login role <paramref name="role"/> with <paramref name="password"/> and makes the server ask for it
    /// (scram-sha-256) on TCP connections as that role; every other role stays on trust. Takes effect at once (reload).
    /// </summary>
    public async Task CreatePasswordRoleAsync(string role, string password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        ArgumentException.ThrowIfNullOrEmpty(password);
        await ExecuteAsync($"CREATE ROLE \"{role}\" LOGIN SUPERUSER PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}'", cancellationToken: cancellationToken).ConfigureAwait(false);
        var hba = Path.Combine(DataDirectory, "pg_hba.conf");
        var lines = await File.ReadAllTextAsync(hba, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(hba, $"host all \"{role}\" 127.0.0.1/32 scram-sha-256\n" + lines, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync("SELECT pg_reload_conf()", cancellationToken: cancellationToken).ConfigureAwait(false);

        // The postmaster reloads on a signal: wait until a wrong password is refused.
        var clock = Stopwatch.StartNew();
        var probe = new NpgsqlConnectionStringBuilder(ConnectionString()) { Username = role, Password = password + "-probe", Pooling = false }.ConnectionString;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == "28P01")
            {
                return;
            }

            if (clock.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException($"pg_hba.conf was reloaded but {role} still logs in without its password after {StartTimeout}.");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ClearPoolsAsync()
    {
        foreach (var source in _dataSources.Values)
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }

        _dataSources.Clear();
        NpgsqlConnection.ClearAllPools();
    }
}
