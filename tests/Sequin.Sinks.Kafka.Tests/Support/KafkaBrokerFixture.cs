using Sequin.TestServers;

namespace Sequin.Sinks.Kafka.Tests.Support;

/// <summary>One mock Kafka cluster (3 brokers) shared by the tests of a class; stopped when they are done.</summary>
public sealed class KafkaBrokerFixture : IAsyncLifetime
{
    private KafkaMockBroker? _broker;

    public KafkaMockBroker Broker => _broker ?? throw new InvalidOperationException("The mock broker has not started.");

    public async Task InitializeAsync() => _broker = await KafkaMockBroker.StartAsync(brokers: 3);

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}
