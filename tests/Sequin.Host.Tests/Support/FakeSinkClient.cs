using Sequin.Sinks;

namespace Sequin.Host.Tests.Support;

/// <summary>Records which check ran; fails when the hosts are "down:...".</summary>
public sealed class FakeSinkClient(FakeSinkOptions options, FakeSinkPlugin plugin) : ISinkDelivery
{
    public ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken)
    {
        plugin.Calls.Add("connection");
        return Task.FromResult(Result($"topic {options.Topic} is writable"));
    }

    public Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken)
    {
        plugin.Calls.Add("credentials");
        return Task.FromResult(Result("credentials accepted"));
    }

    public ValueTask DisposeAsync()
    {
        plugin.Calls.Add("disposed");
        return ValueTask.CompletedTask;
    }

    private ConnectionTestResult Result(string ok) =>
        options.Hosts!.StartsWith("down:", StringComparison.Ordinal) ? ConnectionTestResult.Failed("broker unreachable: connection refused") : ConnectionTestResult.Ok(ok);
}
