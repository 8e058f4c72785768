using Sequin.Sinks;

namespace Sequin.Sinks.Sqs;

/// <summary>
/// The <c>destination:</c> keys of an SQS sink (<c>type: sqs</c>). Each property marked <see cref="SinkOptionAttribute"/>
/// is a YAML key (its snake_case name); Core parses it, checks its range and length, reports mistakes naming the key,
/// masks secrets on export and lists it in <c>sequin plugins</c>. The rules between keys are in <see cref="SqsSink"/>.
/// </summary>
public sealed class SqsSinkOptions
{
    /// <summary>
    /// The queue to send to, <c>https://sqs.&lt;region&gt;.amazonaws.com/&lt;12-digit account&gt;/&lt;name&gt;</c> (at
    /// most 2000 characters). Required with static routing; cleared with a routing function, which returns it per
    /// message. A name ending in <c>.fifo</c> makes the queue FIFO.
    /// </summary>
    [SinkOption("The SQS queue URL to send to; a name ending in .fifo makes it a FIFO queue.", Routable = true, MaxLength = SqsQueueUrl.MaxLength,
        Pattern = SqsQueueUrl.PatternText, PatternDescription = SqsQueueUrl.Description)]
    public string? QueueUrl { get; set; }

    /// <summary>The AWS region. Default: inferred from <see cref="QueueUrl"/>; required when there is none (dynamic routing) or its host names no region.</summary>
    [SinkOption("The AWS region, e.g. us-east-1. Inferred from queue_url when absent.", Pattern = SqsQueueUrl.RegionPattern, PatternDescription = "an AWS region such as us-east-1")]
    public string? Region { get; set; }

    /// <summary>The access key id, with <see cref="SecretAccessKey"/> (required unless <see cref="UseTaskRole"/>).</summary>
    [SinkOption("The AWS access key id. Required unless use_task_role is true.")]
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key (a secret: masked on export, never logged).</summary>
    [SinkOption("The AWS secret access key. Required unless use_task_role is true.", Secret = true)]
    public string? SecretAccessKey { get; set; }

    /// <summary>
    /// Use the AWS SDK's default credential chain (environment variables, profiles, web identity, ECS task role, EC2
    /// instance role) instead of explicit keys. Default: false.
    /// </summary>
    [SinkOption("Use the AWS SDK's default credential chain (environment, profile, web identity, ECS task role, EC2 instance role) instead of keys.")]
    public bool UseTaskRole { get; set; }

    /// <summary>
    /// The SQS endpoint to call instead of AWS's regional one, e.g. an emulator or LocalStack
    /// (<c>http://127.0.0.1:4566</c>). Default: null (AWS).
    /// </summary>
    [SinkOption("Call this SQS endpoint instead of AWS's, e.g. an emulator or LocalStack (http://127.0.0.1:4566).")]
    public Uri? EndpointUrl { get; set; }

    /// <summary>How long one request may take before it fails (and is retried).</summary>
    [SinkOption("How long one request may take before it fails and is retried, in seconds.", Minimum = 1, Maximum = 300)]
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>The region requests are signed for: <see cref="Region"/>, else the one in <see cref="QueueUrl"/>'s host, else null.</summary>
    public string? EffectiveRegion => Region ?? (QueueUrl is not null && SqsQueueUrl.TryGetRegion(QueueUrl, out var region) ? region : null);
}
