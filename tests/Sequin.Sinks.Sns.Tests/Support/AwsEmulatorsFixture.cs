using Sequin.TestServers.Aws;

namespace Sequin.Sinks.Sns.Tests.Support;

/// <summary>Starts the node SNS/SQS emulators once for the tests that share it, and stops them afterwards.</summary>
public sealed class AwsEmulatorsFixture : IAsyncLifetime
{
    private AwsEmulators? _emulators;

    public AwsEmulators Emulators => _emulators ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _emulators = await AwsEmulators.StartAsync(TimeSpan.FromSeconds(60));

    public async Task DisposeAsync()
    {
        if (_emulators is not null)
        {
            await _emulators.DisposeAsync();
        }
    }
}
