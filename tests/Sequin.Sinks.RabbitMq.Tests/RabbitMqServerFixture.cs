using RabbitMQ.Client;
using Sequin.TestServers;

namespace Sequin.Sinks.RabbitMq.Tests;

/// <summary>One real RabbitMQ broker (a user with a password) for a test class, and the test's own connection.</summary>
public sealed class RabbitMqServerFixture : IAsyncLifetime
{
    public const string User = "sequin";
    public const string Password = "fixture-pw-7d2";

    public RabbitMqServer Server { get; private set; } = null!;

    public IConnection Client { get; private set; } = null!;

    public RabbitMqSinkOptions Options(string exchange = "amq.topic", string password = Password, bool mandatory = true) =>
        new() { Host = "127.0.0.1", Port = Server.Port, Username = User, Password = password, Exchange = exchange, Mandatory = mandatory, TimeoutMs = 10_000 };

    /// <summary>A durable queue bound to <paramref name="exchange"/> by <paramref name="bindingKey"/>, empty.</summary>
    public async Task<string> QueueAsync(string exchange, string bindingKey)
    {
        await using var channel = await Client.CreateChannelAsync();
        var queue = "q-" + Guid.NewGuid().ToString("N")[..8];
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, bindingKey);
        return queue;
    }

    /// <summary>Takes every message now in <paramref name="queue"/> (acknowledged), in queue order.</summary>
    public async Task<List<BasicGetResult>> DrainAsync(string queue)
    {
        await using var channel = await Client.CreateChannelAsync();
        var messages = new List<BasicGetResult>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            messages.Add(message);
        }

        return messages;
    }

    public async Task InitializeAsync()
    {
        Server = await RabbitMqServer.StartAsync(User, Password);
        Client = await Server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}
