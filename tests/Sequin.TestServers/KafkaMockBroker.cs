using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;

namespace Sequin.TestServers;

/// <summary>
/// A Kafka-protocol mock cluster (librdkafka's <c>rd_kafka_mock</c>, apt <c>librdkafka-dev</c>) running as its own
/// process on 127.0.0.1. The C program <c>native/kafka-mock.c</c> is compiled once per source version and cached in the
/// temp directory. Brokers can be taken down and up again for outage tests. Topics are auto-created on first produce
/// with 4 partitions; admin CreateTopics does not work on the mock, use <see cref="CreateTopicAsync"/>.
/// </summary>
public sealed class KafkaMockBroker : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);
    private readonly Process _process;
    private readonly Channel<string> _lines;
    private readonly SemaphoreSlim _commandGate = new(1, 1);
    private readonly StringBuilder _stderr = new();
    private bool _disposed;

    private KafkaMockBroker(Process process, Channel<string> lines, int brokerCount)
    {
        _process = process;
        _lines = lines;
        BrokerCount = brokerCount;
    }

    /// <summary>The bootstrap servers, <c>127.0.0.1:port[,127.0.0.1:port...]</c>.</summary>
    public string BootstrapServers { get; private set; } = string.Empty;

    /// <summary>The number of brokers in the cluster.</summary>
    public int BrokerCount { get; }

    /// <summary>Compiles the mock if needed and starts a cluster of <paramref name="brokers"/> brokers.</summary>
    /// <exception cref="InvalidOperationException">gcc, librdkafka-dev or the process failed; the message says which.</exception>
    public static async Task<KafkaMockBroker> StartAsync(int brokers = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var binary = await EnsureBinaryAsync(cancellationToken);
        var info = new ProcessStartInfo(binary, brokers.ToString(CultureInfo.InvariantCulture))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {binary}.");
        var lines = Channel.CreateUnbounded<string>();
        var broker = new KafkaMockBroker(process, lines, brokers);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                lines.Writer.TryComplete();
            }
            else
            {
                lines.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (broker._stderr)
                {
                    broker._stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var first = await broker.ReadLineAsync(cancellationToken);
            if (!first.StartsWith("BOOTSTRAP ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The Kafka mock did not start: {first} {broker.Stderr}");
            }

            broker.BootstrapServers = first["BOOTSTRAP ".Length..].Trim();
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Takes a broker (1-based id), or every broker when null, down: connections are closed and refused.</summary>
    public Task SetDownAsync(int? brokerId = null, CancellationToken cancellationToken = default) =>
        CommandAsync(brokerId is { } id ? $"down {id}" : "down", cancellationToken);

    /// <summary>Brings a broker, or every broker when null, back up.</summary>
    public Task SetUpAsync(int? brokerId = null, CancellationToken cancellationToken = default) =>
        CommandAsync(brokerId is { } id ? $"up {id}" : "up", cancellationToken);

    /// <summary>Creates a topic with <paramref name="partitions"/> partitions.</summary>
    public Task CreateTopicAsync(string topic, int partitions, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        return CommandAsync($"topic {topic} {partitions}", cancellationToken);
    }

    /// <summary>Makes the next <paramref name="count"/> requests of a Kafka API (e.g. 0 = Produce) fail with a Kafka error code.</summary>
    public Task PushRequestErrorsAsync(short apiKey, int errorCode, int count, CancellationToken cancellationToken = default) =>
        CommandAsync(FormattableString.Invariant($"error {apiKey} {errorCode} {count}"), cancellationToken);

    /// <summary>Stops the cluster.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                await _process.StandardInput.WriteLineAsync("quit");
                await _process.StandardInput.FlushAsync();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(wait.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            _process.Dispose();
            _commandGate.Dispose();
        }
    }

    /// <summary>Returns the path of the compiled mock, compiling <c>native/kafka-mock.c</c> when no build of this source exists.</summary>
    public static async Task<string> EnsureBinaryAsync(CancellationToken cancellationToken = default)
    {
        var source = FindSource();

        if (!File.Exists("/usr/include/librdkafka/rdkafka_mock.h"))
        {
            throw new InvalidOperationException("librdkafka's mock cluster header is missing: run scripts/install-deps.sh (apt-get install librdkafka-dev librdkafka1 kcat gcc).");
        }

        var hash = Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(source, cancellationToken)))[..16].ToLowerInvariant();
        var dir = Path.Combine(Path.GetTempPath(), "sequin-testservers");
        Directory.CreateDirectory(dir);
        var binary = Path.Combine(dir, $"kafka-mock-{hash}");
        if (File.Exists(binary))
        {
            return binary;
        }

        // Compile to a private name, then rename: parallel test processes never see a half-written binary.
        var temp = binary + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        var gcc = new ProcessStartInfo("gcc")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-O2", "-o", temp, source, "-lrdkafka", "-include", "stdlib.h" })
        {
            gcc.ArgumentList.Add(arg);
        }

        using var process = Process.Start(gcc) ?? throw new InvalidOperationException("Could not start gcc: run scripts/install-deps.sh.");
        var errors = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Compiling the Kafka mock failed (gcc exit {process.ExitCode}): {errors}");
        }

        File.Move(temp, binary, overwrite: true);
        return binary;
    }

    private static string FindSource()
    {
        // The C source lives in the repository (tests/Sequin.TestServers/native); tests run from a bin folder below it.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "native", "kafka-mock.c"), Path.Combine(dir.FullName, "tests", "Sequin.TestServers", "native", "kafka-mock.c") })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException($"The Kafka mock's source tests/Sequin.TestServers/native/kafka-mock.c was not found above {AppContext.BaseDirectory}.");
    }

    private string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    private async Task CommandAsync(string command, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _commandGate.WaitAsync(cancellationToken);
        try
        {
            await _process.StandardInput.WriteLineAsync(command);
            await _process.StandardInput.FlushAsync(cancellationToken);
            var answer = await ReadLineAsync(cancellationToken);
            if (answer != "OK")
            {
                throw new InvalidOperationException($"Kafka mock command '{command}' failed: {answer}");
            }
        }
        finally
        {
            _commandGate.Release();
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            return await _lines.Reader.ReadAsync(timeout.Token);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The Kafka mock exited: {Stderr}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The Kafka mock did not answer within {CommandTimeout.TotalSeconds} s. {Stderr}");
        }
    }
}
