using Sequin.TestServers.Aws;

namespace Sequin.Sinks.Sqs.Tests;

/// <summary>Starts the node SQS emulator (npm local-aws-sqs, with the SNS one) once for the tests that share it, and stops it afterwards.</summary>
public sealed class AwsEmulatorsFixture : IAsyncLifetime
{
    private AwsEmulators? _emulators;
    private SqsTestQueues? _queues;

    public AwsEmulators Emulators => _emulators ?? throw new InvalidOperationException("Not started.");

    public SqsTestQueues Queues => _queues ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _emulators = await AwsEmulators.StartAsync(TimeSpan.FromSeconds(60));
        _queues = new SqsTestQueues(_emulators);
    }

    public async Task DisposeAsync()
    {
        _queues?.Dispose();
        if (_emulators is not null)
        {
            await _emulators.DisposeAsync();
        }
    }
}
