using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Host.Tests.Support;

/// <summary>A sink like Kafka: required hosts, routable topic, secret password.</summary>
public sealed class FakeSinkPlugin : SinkPlugin<FakeSinkOptions, FakeSinkClient>
{
    public const string Type = "fake";

    public List<string> Calls { get; } = [];

    public override string TypeName => Type;

    public override string Description => "A fake sink for tests.";

    public override ISinkSchema Schema { get; } = new FakeSinkSchema();

    public override IRoutedConsumer Routing { get; } = new FakeRoutedConsumer();

    protected override FakeSinkClient CreateClient(FakeSinkOptions options, SinkContext context) => new(options, this);

    protected override ISinkPipeline CreatePipeline(FakeSinkOptions options, FakeSinkClient client, SinkContext context) =>
        throw new NotSupportedException();

    private sealed class FakeSinkSchema : SinkSchema<FakeSinkOptions>
    {
        public FakeSinkSchema()
        {
            AddString(new SinkField("hosts", SinkFieldType.Text, "Brokers.") { Required = true }, o => o.Hosts, (o, v) => o.Hosts = v);
            AddString(new SinkField("topic", SinkFieldType.Text, "Topic.") { Routable = true, MaxLength = 20 }, o => o.Topic, (o, v) => o.Topic = v);
            AddString(new SinkField("password", SinkFieldType.Text, "Password.") { Secret = true }, o => o.Password, (o, v) => o.Password = v);
            AddInteger(new SinkField("retries", SinkFieldType.WholeNumber, "Retries.") { Minimum = 0, Maximum = 10, DefaultValue = "3" }, o => o.Retries, (o, v) => o.Retries = v);
            AddBoolean(new SinkField("tls", SinkFieldType.Boolean, "TLS.") { DefaultValue = "false" }, o => o.Tls, (o, v) => o.Tls = v);
        }
    }

    private sealed class FakeRoutedConsumer : RoutedConsumer<FakeSinkOptions>
    {
        public override IReadOnlyList<RoutableKey> Keys { get; } = [new RoutableKey("topic", "The topic.") { Required = true }];

        public override string DefaultRoutingFunction => "function route(action, record, changes, metadata) {\n  return { topic: \"fake\" };\n}\n";

        public override void ApplyDefaultRoute(ChangeMessage message, Route route) => route["topic"] = "sequin." + message.Relation.QualifiedName;
    }
}
