using Sequin.Sinks.Testing;
using Sequin.TestServers.Aws;

namespace Sequin.Sinks.Sqs.Tests;

/// <summary>The SDK's promises (<see cref="SinkConformanceTests{TOptions}"/>) against the SQS emulator; a queue that does not exist refuses a message for good.</summary>
public sealed class SqsConformanceTests(SqsConformanceTests.Queue queue)
    : SinkConformanceTests<SqsSinkOptions>(new SqsSink()), IClassFixture<SqsConformanceTests.Queue>
{
    protected override IReadOnlyList<(string Key, string? Value)> ReachableDestination =>
    [
        ("queue_url", queue.Url), ("region", AwsEmulators.Region), ("access_key_id", "AKIDEXAMPLE"), ("secret_access_key", "s3cret-conformance"),
        ("endpoint_url", queue.Aws.Emulators.SqsEndpoint.ToString()),
    ];

    // Port 9 (discard) is closed on loopback here.
    protected override IReadOnlyList<(string Key, string? Value)> UnreachableDestination =>
    [
        ("queue_url", queue.Url), ("region", AwsEmulators.Region), ("access_key_id", "AKIDEXAMPLE"), ("secret_access_key", "s3cret-conformance"),
        ("endpoint_url", "http://127.0.0.1:9/"),
    ];

    protected override RoutedMessage? PermanentlyRefusedMessage(SqsSinkOptions options) =>
        Kit.Routed(TestTable.Order(13), options, values: (SqsSink.QueueUrlKey, new Uri(queue.Aws.Emulators.SqsEndpoint, $"{AwsEmulators.AccountId}/conformance-missing").AbsoluteUri));

    /// <summary>The emulator and one standard queue.</summary>
    public sealed class Queue : IAsyncLifetime
    {
        public AwsEmulatorsFixture Aws { get; } = new();

        public string Url { get; private set; } = string.Empty;

        public async Task InitializeAsync()
        {
            await Aws.InitializeAsync();
            Url = await Aws.Queues.CreateAsync("conformance-" + Guid.NewGuid().ToString("N")[..8]);
        }

        public Task DisposeAsync() => Aws.DisposeAsync();
    }
}
