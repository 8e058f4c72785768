using System.Globalization;
using RabbitMQ.Client;

namespace Sequin.TestServers;

/// <summary>
/// A throwaway RabbitMQ broker (Debian's <c>rabbitmq-server</c>, 3.10 here) on 127.0.0.1 and free ports, everything it
/// writes in a temporary folder deleted on dispose: its node name is unique, its AMQP, distribution and epmd ports are
/// free ones, its configuration, plugins list (none: no management plugin), database, logs and Erlang cookie (<c>HOME</c>)
/// are in the folder. It runs as the current user (the Debian wrapper, which switches to the <c>rabbitmq</c> user, is not
/// used). <see cref="StopAsync"/> then <see cref="StartAsync()"/> restarts it on the same ports and database, so durable
/// queues and persistent messages survive. A start takes about 8 to 15 s on a busy 2-core machine: one broker per test
/// class. <c>scripts/install-deps.sh</c> installs the package.
/// </summary>
public sealed class RabbitMqServer : IAsyncDisposable
{
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private readonly string _directory;
    private readonly string _nodeName;
    private readonly int _distributionPort;
    private readonly int _epmdPort;
    private ChildProcess? _process;

    private RabbitMqServer(string directory, string user, string password)
    {
        _directory = directory;
        User = user;
        Password = password;
        Port = RedisServer.FreePort();
        _distributionPort = RedisServer.FreePort();
        _epmdPort = RedisServer.FreePort();
        _nodeName = "sequin-" + Guid.NewGuid().ToString("N")[..12] + "@localhost";
    }

    /// <summary>The AMQP port (the same after a restart).</summary>
    public int Port { get; }

    /// <summary>The user the broker was created with (its default user, administrator of virtual host <c>/</c>).</summary>
    public string User { get; }

    /// <summary>The user's password.</summary>
    public string Password { get; }

    /// <summary>The broker's output so far (its log goes to standard output), for failure messages.</summary>
    public string Output => _process?.Output ?? string.Empty;

    /// <summary>How long the last start took until the broker accepted an AMQP connection.</summary>
    public TimeSpan LastStartDuration { get; private set; }

    /// <summary>Starts a broker with one user and waits until it accepts an AMQP connection from that user.</summary>
    /// <param name="user">The broker's default user.</param>
    /// <param name="password">The user's password.</param>
    /// <exception cref="InvalidOperationException">rabbitmq-server is not installed or did not get ready within 120 s.</exception>
    public static async Task<RabbitMqServer> StartAsync(string user = "sequin", string password = "rabbit-pw")
    {
        var directory = Directory.CreateTempSubdirectory("sequin-rabbitmq-").FullName;
        var server = new RabbitMqServer(directory, user, password);
        try
        {
            // Written once: the config survives restarts with the database.
            await File.WriteAllTextAsync(Path.Combine(directory, "rabbitmq.conf"), string.Join('\n',
                $"listeners.tcp.default = 127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}",
                "loopback_users = none",
                $"default_user = {user}",
                $"default_pass = {password}",
                "log.console = true",
                "log.console.level = info",
                "log.file = false",
                string.Empty));
            await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"), "[].\n");
            await server.StartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the broker again on the same ports and database (after <see cref="StopAsync"/>), and waits until it accepts a connection.</summary>
    public async Task StartAsync()
    {
        if (!File.Exists(ServerScript))
        {
            throw new InvalidOperationException($"rabbitmq-server is not installed ({ServerScript} is missing): run scripts/install-deps.sh (apt-get install rabbitmq-server).");
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = _directory, // the Erlang cookie
            ["RABBITMQ_NODENAME"] = _nodeName,
            ["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = _distributionPort.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_PORT"] = _epmdPort.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_directory, "rabbitmq.conf"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_directory, "rabbitmq-env.conf"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_directory, "enabled_plugins"),
            ["RABBITMQ_PLUGINS_EXPAND_DIR"] = Path.Combine(_directory, "plugins-expand"),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(_directory, "log"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(_directory, "rabbitmq.pid"),
            ["RABBITMQ_LOGS"] = "-",
        };
        _process = ChildProcess.Start(ServerScript, [], _directory, environment);
        var process = _process;
        await Eventually.UntilAsync(
            async () => process.HasExited
                ? throw new InvalidOperationException($"rabbitmq-server exited ({process.ExitCode}):\n{process.Output}")
                : await AcceptsConnectionAsync(),
            () => $"rabbitmq-server on port {Port} accepts an AMQP connection; output:\n{process.Output}",
            TimeSpan.FromSeconds(120));
        LastStartDuration = started.Elapsed;
    }

    /// <summary>
    /// Stops the broker gracefully (SIGTERM to its start script, which passes it to the Erlang VM): it closes client
    /// connections with <c>CONNECTION_FORCED</c> and writes its queues to disk first. Its epmd keeps running for a restart.
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

    /// <summary>A connection to the broker as its user (the test's own, to declare exchanges and queues and read them).</summary>
    public async Task<IConnection> ConnectAsync()
    {
        var factory = new ConnectionFactory
        {
            HostName = "127.0.0.1",
            Port = Port,
            UserName = User,
            Password = Password,
            AutomaticRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
        };
        return await factory.CreateConnectionAsync("sequin-tests");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Killed with its whole process tree (the start script, the Erlang VM and its helpers), then its own epmd.
        if (_process is { } process)
        {
            await process.DisposeAsync();
            _process = null;
        }

        try
        {
            await ChildProcess.RunAsync("epmd", ["-port", _epmdPort.ToString(CultureInfo.InvariantCulture), "-kill"], _directory, TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // No epmd on that port (the broker never got that far): nothing to stop.
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the folder is under the temp directory and harmless.
        }
    }

    private async Task<bool> AcceptsConnectionAsync()
    {
        try
        {
            await using var connection = await ConnectAsync();
            return connection.IsOpen;
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or System.Net.Sockets.SocketException
            or RabbitMQ.Client.Exceptions.OperationInterruptedException or TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }
}
