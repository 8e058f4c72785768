using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Host.Tests.Support;

/// <summary>A sink for configuration and CLI tests (<c>type: fake</c>), written on the sink SDK; it records what the CLI calls.</summary>
public sealed class FakeSinkPlugin : Sink<FakeSinkOptions>
{
    public const string Type = "fake";

    /// <summary>The largest batch_size it accepts.</summary>
    public const int MaxBatch = 500;

    public List<string> Calls { get; } = [];

    public override string TypeName => Type;

    public override string Description => "A fake sink for tests.";

    public override string DefaultRoutingFunction => "function route(action, record, changes, metadata) {\n  return { topic: \"fake\" };\n}\n";

    public override SinkLimits GetLimits(FakeSinkOptions options) => new() { MaxBatchMessages = MaxBatch };

    public override void ApplyDefaultRoute(ChangeMessage message, Route route) => route["topic"] = "sequin." + message.Relation.QualifiedName;

    public override ISinkDelivery CreateDelivery(FakeSinkOptions options, SinkContext context) => new FakeSinkClient(options, this);
}
