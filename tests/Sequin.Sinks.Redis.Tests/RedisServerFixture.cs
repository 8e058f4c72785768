using Sequin.TestServers;
using StackExchange.Redis;

namespace Sequin.Sinks.Redis.Tests;

/// <summary>One real redis-server (with a password) for a test class, and the test's own client to it.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    public const string Password = "fixture-pw-7f3a";

    public RedisServer Server { get; private set; } = null!;

    public ConnectionMultiplexer Client { get; private set; } = null!;

    public IDatabase Database => Client.GetDatabase();

    public RedisStringSinkOptions StringOptions(long? expireMs = null, string? password = Password) =>
        new() { Host = "127.0.0.1", Port = Server.Port, Password = password, ExpireMs = expireMs, TimeoutMs = 5_000 };

    public RedisStreamSinkOptions StreamOptions(long? maxLen = null, bool exact = false) =>
        new() { Host = "127.0.0.1", Port = Server.Port, Password = Password, MaxLen = maxLen, MaxLenExact = exact, TimeoutMs = 5_000 };

    public async Task InitializeAsync()
    {
        Server = await RedisServer.StartAsync(Password);
        Client = await Server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}
