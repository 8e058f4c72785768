using Sequin.TestServers.Aws;

namespace Sequin.Sinks.Sns.Tests.Support;

/// <summary>
/// Where the portable client tests run: the project's <see cref="SnsFakeServer"/> by default, or a real SNS endpoint
/// when <c>SEQUIN_SNS_TEST_TOPIC_ARN</c> is set. Real mode reads:
/// <c>SEQUIN_SNS_TEST_TOPIC_ARN</c> (an existing standard topic), <c>SEQUIN_SNS_TEST_FIFO_TOPIC_ARN</c> (an existing
/// FIFO topic), optionally <c>SEQUIN_SNS_TEST_ENDPOINT</c> (e.g. LocalStack), and credentials from the standard AWS
/// chain (<c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>, profiles, roles), which the
/// sink uses through <c>use_task_role: true</c>. The bad-credential tests take <c>AWS_ACCESS_KEY_ID</c> with a wrong secret.
/// </summary>
public sealed class SnsTarget : IAsyncLifetime
{
    public bool IsReal { get; private set; }

    public SnsFakeServer? Fake { get; private set; }

    public Uri? Endpoint { get; private set; }

    public string TopicArn { get; private set; } = string.Empty;

    public string FifoTopicArn { get; private set; } = string.Empty;

    public string MissingTopicArn
    {
        get
        {
            var region = SnsSinkOptions.TopicArnKind.RegionOf(TopicArn);
            var account = TopicArn.Split(':')[4];
            return $"arn:aws:sns:{region}:{account}:sequin-test-missing-{Guid.NewGuid():N}";
        }
    }

    public string BadAccessKeyId => IsReal ? Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "AKIDNOTREAL" : SnsFakeServer.AccessKeyId;

    public Task InitializeAsync()
    {
        var real = Environment.GetEnvironmentVariable("SEQUIN_SNS_TEST_TOPIC_ARN");
        if (!string.IsNullOrEmpty(real))
        {
            IsReal = true;
            TopicArn = real;
            FifoTopicArn = Environment.GetEnvironmentVariable("SEQUIN_SNS_TEST_FIFO_TOPIC_ARN")
                ?? throw new InvalidOperationException("SEQUIN_SNS_TEST_TOPIC_ARN is set, so SEQUIN_SNS_TEST_FIFO_TOPIC_ARN (an existing FIFO topic) is needed too.");
            var endpoint = Environment.GetEnvironmentVariable("SEQUIN_SNS_TEST_ENDPOINT");
            Endpoint = string.IsNullOrEmpty(endpoint) ? null : new Uri(endpoint);
            return Task.CompletedTask;
        }

        Fake = SnsFakeServer.Start();
        Endpoint = Fake.Endpoint;
        TopicArn = Fake.CreateTopic("sequin-test");
        FifoTopicArn = Fake.CreateTopic("sequin-test.fifo");
        return Task.CompletedTask;
    }

    /// <summary>Options with working credentials for the target.</summary>
    public SnsSinkOptions Options(string? topicArn) => IsReal
        ? new SnsSinkOptions { TopicArn = topicArn, Region = topicArn is null ? Region : null, UseTaskRole = true, EndpointUrl = Endpoint }
        : Some.Options(Endpoint!, topicArn);

    /// <summary>Options whose secret is wrong.</summary>
    public SnsSinkOptions WrongSecretOptions(string? topicArn) => new()
    {
        TopicArn = topicArn,
        Region = topicArn is null ? Region : null,
        AccessKeyId = BadAccessKeyId,
        SecretAccessKey = "not-the-secret",
        EndpointUrl = Endpoint,
    };

    public string Region => SnsSinkOptions.TopicArnKind.RegionOf(TopicArn) ?? Some.Region;

    public async Task DisposeAsync()
    {
        if (Fake is not null)
        {
            await Fake.DisposeAsync();
        }
    }
}
