using System.Diagnostics;
using Sequin.TestServers;

namespace Sequin.Benchmarks.EndToEnd;

/// <summary>
/// librdkafka's mock cluster (<see cref="KafkaMockBroker"/>) in a child process of its own: this benchmark started with
/// <c>--serve-kafka-mock</c>, which prints the bootstrap servers and serves until its standard input closes. A real
/// broker does not live in Sequin's process: in the benchmark's own process the mock cluster's memory (every topic
/// written so far) and CPU were counted as Sequin's, e.g. the Kafka 1.6 KB burst's peak RSS in a full run (Run 16).
/// </summary>
internal sealed class KafkaMockProcess : IAsyncDisposable
{
    /// <summary>The argument that makes this benchmark serve a mock cluster instead of running.</summary>
    public const string ServeArgument = "--serve-kafka-mock";

    private readonly Process _process;

    private KafkaMockProcess(Process process, string bootstrapServers)
    {
        _process = process;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The cluster's bootstrap servers (<c>127.0.0.1:port</c>).</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts the child process and waits for its bootstrap servers.</summary>
    public static async Task<KafkaMockProcess> StartAsync(CancellationToken ct)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(KafkaMockProcess).Assembly.Location);
        info.ArgumentList.Add(ServeArgument);
        var process = Process.Start(info) ?? throw new InvalidOperationException("the Kafka mock cluster's process did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        string? line = null;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // no line within 30 s: stopped below
        }

        if (string.IsNullOrEmpty(line))
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            process.Dispose();
            throw new InvalidOperationException("the Kafka mock cluster's process printed no bootstrap servers within 30 s");
        }

        return new KafkaMockProcess(process, line);
    }

    /// <summary>The child's side: starts the cluster, prints its bootstrap servers, serves until standard input closes.</summary>
    public static async Task ServeAsync()
    {
        await using var cluster = await KafkaMockBroker.StartAsync(brokers: 1);
        Console.WriteLine(cluster.BootstrapServers);
        await Console.In.ReadToEndAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
