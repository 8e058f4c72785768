using Sequin.Sinks;
using Sequin.TestServers.Aws;

namespace Sequin.Sinks.Sns.Tests.Support;

/// <summary>A fresh <see cref="SnsFakeServer"/> with a standard and a FIFO topic, and the sink's client and pipeline over it, as Core creates them.</summary>
internal sealed class FakeSns : IAsyncDisposable
{
    private FakeSns(SnsFakeServer server, SnsSinkOptions options, ISinkClient client, ISinkPipeline pipeline)
    {
        Server = server;
        Options = options;
        Client = client;
        Pipeline = pipeline;
    }

    public SnsFakeServer Server { get; }

    public SnsSinkOptions Options { get; }

    public ISinkClient Client { get; }

    public ISinkPipeline Pipeline { get; }

    public static FakeSns Start(RoutingMode mode = RoutingMode.Static, SnsMessageGroup group = SnsMessageGroup.GroupId)
    {
        var server = SnsFakeServer.Start(Some.Region, Some.Account);
        server.CreateTopic("orders");
        server.CreateTopic("orders.fifo");
        server.CreateTopic(Some.LongTopicName);
        var options = Some.Options(server.Endpoint, mode == RoutingMode.Static ? Some.TopicArn : null);
        options.MessageGroup = group;
        var (client, pipeline) = Some.ClientAndPipeline(options, Some.Context(mode));
        return new FakeSns(server, options, client, pipeline);
    }

    public async ValueTask DisposeAsync()
    {
        await Pipeline.DisposeAsync();
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}
