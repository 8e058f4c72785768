using NATS.Client.Core;
using Sequin.TestServers;

namespace Sequin.Sinks.Nats.Tests;

/// <summary>One real nats-server (JetStream on, a user with a password) for a test class, and the test's own client.</summary>
public sealed class NatsServerFixture : IAsyncLifetime
{
    public const string User = "sequin";
    public const string Password = "fixture-pw-2b9";

    public NatsServer Server { get; private set; } = null!;

    public NatsConnection Client { get; private set; } = null!;

    public NatsSinkOptions Options(NatsPublishMode mode = NatsPublishMode.Auto, string? password = Password) =>
        new() { Host = "127.0.0.1", Port = Server.Port, Username = User, Password = password, PublishMode = mode, TimeoutMs = 5_000 };

    public async Task InitializeAsync()
    {
        Server = await NatsServer.StartAsync(User, Password);
        Client = await Server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}
