using Sequin.Sinks;
using Sequin.TestServers.Aws;

namespace Sequin.Sinks.Sns.Tests.Support;

/// <summary>A fresh <see cref="SnsFakeServer"/> with a standard and a FIFO topic, and the sink's client and pipeline over it.</summary>
internal sealed class FakeSns : IAsyncDisposable
{
    private FakeSns(SnsFakeServer server, SnsSinkOptions options, SnsSinkClient client, ISinkPipeline pipeline)
    {
        Server = server;
        Options = options;
        Client = client;
        Pipeline = pipeline;
    }

    public SnsFakeServer Server { get; }

    public SnsSinkOptions Options { get; }

    public SnsSinkClient Client { get; }

    public ISinkPipeline Pipeline { get; }

    public string TopicArn => Some.TopicArn;

    public string FifoTopicArn => Some.FifoTopicArn;

    public static FakeSns Start(RoutingMode mode = RoutingMode.Static, SnsMessageGroup group = SnsMessageGroup.GroupId, int? batchSize = null)
    {
        var server = SnsFakeServer.Start(Some.Region, Some.Account);
        server.CreateTopic("orders");
        server.CreateTopic("orders.fifo");
        var options = Some.Options(server.Endpoint, mode == RoutingMode.Static ? Some.TopicArn : null);
        options.MessageGroup = group;
        var plugin = new SnsSinkPlugin();
        var context = Some.Context(mode, batchSize);
        var client = (SnsSinkClient)plugin.CreateClient(options, context);
        var pipeline = plugin.CreatePipeline(options, client, context);
        return new FakeSns(server, options, client, pipeline);
    }

    public async ValueTask DisposeAsync()
    {
        await Pipeline.DisposeAsync();
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}
