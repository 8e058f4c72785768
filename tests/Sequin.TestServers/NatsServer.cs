using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NATS.Client.Core;

namespace Sequin.TestServers;

/// <summary>
/// A throwaway NATS server (Debian's <c>nats-server</c>, 2.9 here) with JetStream on, on 127.0.0.1 and a free port, its
/// JetStream store in a temporary folder deleted on dispose. <see cref="StopAsync"/> then <see cref="StartAsync()"/>
/// restarts it on the same port and store.
/// <c>scripts/install-deps.sh</c> installs the package.
/// </summary>
public sealed class NatsServer : IAsyncDisposable
{
    private readonly string _storeDirectory;
    private ChildProcess? _process;

    private NatsServer(string storeDirectory, int port, string? user, string? password)
    {
        _storeDirectory = storeDirectory;
        Port = port;
        User = user;
        Password = password;
    }

    /// <summary>The client port (the same after a restart).</summary>
    public int Port { get; }

    /// <summary>The user the server requires, or null for none.</summary>
    public string? User { get; }

    /// <summary>The password the server requires, or null for none.</summary>
    public string? Password { get; }

    /// <summary>The server's output so far.</summary>
    public string Output => _process?.Output ?? string.Empty;

    /// <summary>Starts a server and waits until it greets clients (its INFO line) with JetStream on.</summary>
    /// <param name="user">A user to require (with <paramref name="password"/>), or null.</param>
    /// <param name="password">The user's password.</param>
    public static async Task<NatsServer> StartAsync(string? user = null, string? password = null)
    {
        var directory = Directory.CreateTempSubdirectory("sequin-nats-").FullName;
        var server = new NatsServer(directory, RedisServer.FreePort(), user, password);
        try
        {
            await server.StartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server again on the same port and store (after <see cref="KillAsync"/>), and waits until it greets clients.</summary>
    public async Task StartAsync()
    {
        var binary = RedisServer.Find("nats-server")
            ?? throw new InvalidOperationException("nats-server is not installed: run scripts/install-deps.sh (apt-get install nats-server).");
        var arguments = new List<string> { "-a", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-js", "-sd", _storeDirectory };
        if (User is not null)
        {
            arguments.AddRange(["--user", User, "--pass", Password ?? string.Empty]);
        }

        _process = ChildProcess.Start(binary, arguments, _storeDirectory);
        var process = _process;
        await Eventually.UntilAsync(
            async () => process.HasExited
                ? throw new InvalidOperationException($"nats-server exited ({process.ExitCode}):\n{process.Output}")
                : await GreetsAsync() && process.Output.Contains("Server is ready", StringComparison.Ordinal),
            () => $"nats-server on port {Port} is ready; output:\n{process.Output}",
            TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Stops the server gracefully (SIGTERM): it flushes its JetStream store first. nats-server 2.9 writes acknowledged
    /// messages to its files asynchronously (fsync every 2 minutes), so a SIGKILL may lose the last ones at the server;
    /// tests of the sink's at-least-once delivery stop it this way.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            await process.StopAsync(TimeSpan.FromSeconds(60));
            await process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            await process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>A client connected to the server (the test's own).</summary>
    public async Task<NatsConnection> ConnectAsync()
    {
        var opts = NatsOpts.Default with
        {
            Url = $"nats://127.0.0.1:{Port}",
            AuthOpts = User is null ? NatsAuthOpts.Default : NatsAuthOpts.Default with { Username = User, Password = Password },
            RequestTimeout = TimeSpan.FromSeconds(10),
        };
        var connection = new NatsConnection(opts);
        await connection.ConnectAsync();
        return connection;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_storeDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the folder is under the temp directory and harmless.
        }
    }

    private async Task<bool> GreetsAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(IPAddress.Loopback, Port, cts.Token);
            var buffer = new byte[4096];
            var read = await client.GetStream().ReadAsync(buffer, cts.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("INFO ", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }
}
