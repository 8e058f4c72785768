using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace Sequin.TestServers;

/// <summary>
/// A throwaway Redis server (Debian's <c>redis-server</c>, 7.0 here) on 127.0.0.1 and a free port, with its data in a
/// temporary folder deleted on dispose. Every write is on disk before Redis answers it (<c>appendonly yes</c>,
/// <c>appendfsync always</c>), so <see cref="KillAsync"/> followed by <see cref="StartAsync()"/> loses nothing Redis
/// acknowledged, as a production server with AOF would. <c>scripts/install-deps.sh</c> installs the package.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private ChildProcess? _process;

    private RedisServer(string dataDirectory, int port, string? password)
    {
        _dataDirectory = dataDirectory;
        Port = port;
        Password = password;
    }

    /// <summary>The port the server listens on (the same after a restart).</summary>
    public int Port { get; }

    /// <summary>The password the server requires (<c>requirepass</c>), or null for none.</summary>
    public string? Password { get; }

    /// <summary>Whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The server's output so far, for failure messages.</summary>
    public string Output => _process?.Output ?? string.Empty;

    /// <summary>Starts a server and waits until it answers PING.</summary>
    /// <param name="password">A password to require, or null.</param>
    /// <exception cref="InvalidOperationException">redis-server is not installed or did not get ready within 60 s.</exception>
    public static async Task<RedisServer> StartAsync(string? password = null)
    {
        var directory = Directory.CreateTempSubdirectory("sequin-redis-").FullName;
        var server = new RedisServer(directory, FreePort(), password);
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

    /// <summary>Starts the server again on the same port and data (after <see cref="KillAsync"/>), and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        var binary = Find("redis-server")
            ?? throw new InvalidOperationException("redis-server is not installed: run scripts/install-deps.sh (apt-get install redis-server).");
        var arguments = new List<string>
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _dataDirectory,
            "--save", string.Empty, "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no",
            "--protected-mode", "no", "--logfile", string.Empty,
        };
        if (Password is not null)
        {
            arguments.AddRange(["--requirepass", Password]);
        }

        _process = ChildProcess.Start(binary, arguments, _dataDirectory);
        var process = _process;
        await Eventually.UntilAsync(
            async () => process.HasExited
                ? throw new InvalidOperationException($"redis-server exited ({process.ExitCode}):\n{process.Output}")
                : await AnswersPingAsync(),
            () => $"redis-server on port {Port} answered PING; output:\n{process.Output}",
            TimeSpan.FromSeconds(60));
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash would; what it acknowledged is already on disk.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            await process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>A client connected to the server (the test's own, to read what the sink wrote).</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var options = new ConfigurationOptions { Password = Password, AbortOnConnectFail = false, ConnectTimeout = 10_000, SyncTimeout = 10_000, AsyncTimeout = 10_000 };
        options.EndPoints.Add(IPAddress.Loopback, Port);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the folder is under the temp directory and harmless.
        }
    }

    /// <summary>The full path of a server binary: on PATH, or in /usr/sbin and /usr/bin (Debian puts nats-server in /usr/sbin).</summary>
    internal static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"]))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // A raw PING (AUTH first when a password is set): ready once the server answers +PONG.
    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(IPAddress.Loopback, Port, cts.Token);
            var stream = client.GetStream();
            var command = Password is null ? "PING\r\n" : $"AUTH {Password}\r\nPING\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command), cts.Token);
            var buffer = new byte[256];
            var received = new StringBuilder();
            while (!received.ToString().Contains("+PONG", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, cts.Token);
                if (read == 0 || received.ToString().Contains("-LOADING", StringComparison.Ordinal))
                {
                    return false;
                }

                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            return true;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }
}
