namespace Sequin.Sinks.Sns;

/// <summary>The <c>destination:</c> keys of an SNS sink (<c>type: sns</c>); the rules between them are in <see cref="SnsSink"/>.</summary>
public sealed class SnsSinkOptions
{
    /// <summary>
    /// The topic to publish to, <c>arn:aws:sns:&lt;region&gt;:&lt;12-digit account&gt;:&lt;name&gt;</c> (at most 2000
    /// characters). Required with static routing; cleared with a routing function, which returns it per message.
    /// A name ending in <c>.fifo</c> makes the topic FIFO.
    /// </summary>
    [SinkOption("The SNS topic ARN to publish to; a name ending in .fifo makes it a FIFO topic.", Routable = true, MaxLength = SnsTopicArn.MaxLength,
        Pattern = SnsTopicArn.PatternText, PatternDescription = SnsTopicArn.Description)]
    public string? TopicArn { get; set; }

    /// <summary>The AWS region. Default: inferred from <see cref="TopicArn"/>; required when there is none (dynamic routing).</summary>
    [SinkOption("The AWS region, e.g. us-east-1. Inferred from topic_arn when absent.", Pattern = SnsTopicArn.RegionPattern, PatternDescription = "an AWS region such as us-east-1")]
    public string? Region { get; set; }

    /// <summary>The access key id, with <see cref="SecretAccessKey"/> (required unless <see cref="UseTaskRole"/>).</summary>
    [SinkOption("The AWS access key id. Required unless use_task_role is true.")]
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key (a secret: masked on export, never logged).</summary>
    [SinkOption("The AWS secret access key. Required unless use_task_role is true.", Secret = true)]
    public string? SecretAccessKey { get; set; }

    /// <summary>
    /// Use the standard AWS credential chain (environment variables, profiles, web identity, ECS task role, EC2
    /// instance role) instead of explicit keys. Default: false.
    /// </summary>
    [SinkOption("Use the standard AWS credential chain (environment, profile, web identity, ECS task role, EC2 instance role) instead of keys.")]
    public bool UseTaskRole { get; set; }

    /// <summary>
    /// The SNS endpoint to call instead of <c>https://sns.&lt;region&gt;.amazonaws.com/</c>, e.g. an emulator or
    /// LocalStack (<c>http://127.0.0.1:4566</c>). Default: null (AWS).
    /// </summary>
    [SinkOption("Call this SNS endpoint instead of AWS's, e.g. an emulator or LocalStack (http://127.0.0.1:4566).")]
    public Uri? EndpointUrl { get; set; }

    /// <summary>For FIFO topics, where <c>MessageGroupId</c> comes from. Default: <see cref="SnsMessageGroup.GroupId"/>.</summary>
    [SinkOption("For FIFO topics, the MessageGroupId source: group_id (the row's ordering group) or table.")]
    public SnsMessageGroup MessageGroup { get; set; } = SnsMessageGroup.GroupId;

    /// <summary>The region requests are signed for: <see cref="Region"/>, else the one in <see cref="TopicArn"/>, else null.</summary>
    public string? EffectiveRegion => Region ?? (TopicArn is not null && SnsTopicArn.TryGetRegion(TopicArn, out var region) ? region : null);

    /// <summary>Whether the configured topic is a FIFO topic (its name ends in <c>.fifo</c>). With routing, each routed ARN decides.</summary>
    public bool IsFifo => TopicArn is not null && SnsTopicArn.IsFifo(TopicArn);

    /// <summary>The endpoint requests go to: <see cref="EndpointUrl"/>, else AWS's regional SNS endpoint, else null without a region.</summary>
    public Uri? EffectiveEndpoint => EndpointUrl ?? (EffectiveRegion is { } r ? SnsTopicArn.DefaultEndpoint(r) : null);
}
