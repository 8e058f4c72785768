using System.Collections.Concurrent;
using System.Text.Json;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Hosting.AspNetCore.Tests.Support;

/// <summary>
/// A sink for the API tests (<c>type: gated</c>): records the ids it delivered, refuses the ids in <see cref="Refused"/>
/// (retryable), and has a secret field (<c>api_key</c>) that must never show in a response or a log line.
/// </summary>
public sealed class GatedSinkPlugin : ISinkPlugin
{
    public ConcurrentQueue<int> Delivered { get; } = new();

    public ConcurrentDictionary<int, bool> Refused { get; } = new();

    public string TypeName => "gated";

    public string Description => "Delivers or refuses by id, for tests.";

    public ISinkSchema Schema { get; } = new GatedSchema();

    public IRoutedConsumer Routing { get; } = new NoRouting();

    public ISinkClient CreateClient(object options, SinkContext context) => new GatedClient();

    public ISinkPipeline CreatePipeline(object options, ISinkClient client, SinkContext context) => new GatedPipeline(this);

    private sealed class GatedPipeline(GatedSinkPlugin plugin) : ISinkPipeline
    {
        public BatchingOptions Batching { get; } = new() { MaxMessages = 10, Linger = TimeSpan.FromMilliseconds(2), MaxConcurrentBatches = 2 };

        public string GetBatchKey(RoutedMessage message) => "all";

        public ValueTask<BatchResult> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken) =>
            ValueTask.FromResult(BatchResult.PerMessage([.. batch.Messages.Select(Attempt)]));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private DeliveryOutcome Attempt(RoutedMessage message)
        {
            using var json = JsonDocument.Parse(message.Payload);
            var id = json.RootElement.GetProperty("record").GetProperty("id").GetInt32();
            if (plugin.Refused.ContainsKey(id))
            {
                return DeliveryOutcome.Retry($"row {id} is refused by the gated sink");
            }

            plugin.Delivered.Enqueue(id);
            return DeliveryOutcome.Delivered;
        }
    }

    private sealed class GatedSchema : SinkSchema<GatedOptions>
    {
        public GatedSchema()
        {
            AddString(new SinkField("label", SinkFieldType.Text, "A label."), o => o.Label, (o, v) => o.Label = v);
            AddString(new SinkField("api_key", SinkFieldType.Text, "A secret.") { Secret = true }, o => o.ApiKey, (o, v) => o.ApiKey = v);
        }
    }

    private sealed class NoRouting : IRoutedConsumer
    {
        public IReadOnlyList<RoutableKey> Keys { get; } = [];

        public string DefaultRoutingFunction => "function route(action, record, changes, metadata) {\n  return {};\n}\n";

        public void ApplyDefaultRoute(ChangeMessage message, Route route)
        {
        }

        public void ApplyStaticRoute(object sinkOptions, Route route)
        {
        }

        public string? Validate(Route route) => null;
    }

    private sealed class GatedClient : ISinkClient
    {
        public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken) => Task.FromResult(ConnectionTestResult.Ok("gated sink reachable"));

        public Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken) => Task.FromResult(ConnectionTestResult.Ok("gated sink credentials accepted"));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

public sealed class GatedOptions
{
    public string? Label { get; set; }

    public string? ApiKey { get; set; }
}
