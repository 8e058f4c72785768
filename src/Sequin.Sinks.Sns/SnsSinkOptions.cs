using Sequin.Sinks.Aws;

namespace Sequin.Sinks.Sns;

/// <summary>
/// The <c>destination:</c> keys of an SNS sink (<c>type: sns</c>): the topic and the FIFO message group here, and the
/// AWS keys every AWS sink shares (region, credentials, endpoint) from <see cref="AwsSinkOptions"/>. The rules between
/// keys are in <see cref="SnsSink"/>.
/// </summary>
public sealed class SnsSinkOptions : AwsSinkOptions
{
    /// <summary>
    /// The pattern a topic ARN must match: partition <c>aws</c> (also <c>aws-cn</c>, <c>aws-us-gov</c>), service
    /// <c>sns</c>, a region of lower-case letters, digits and dashes, a 12-digit account and a name of letters, digits,
    /// <c>_</c>, <c>.</c> and <c>-</c>.
    /// </summary>
    internal const string TopicArnPattern = @"^arn:aws(?:-cn|-us-gov)?:sns:(?<region>[a-z0-9-]+):(?<account>\d{12}):(?<name>[A-Za-z0-9_.-]+)$";

    /// <summary>How the topic ARN rule is described in errors.</summary>
    internal const string TopicArnDescription = "an SNS topic ARN (arn:aws:sns:<region>:<12-digit account id>:<topic name>)";

    /// <summary>The topic ARN's rules, and where its region is.</summary>
    internal static readonly AwsAddressKind TopicArnKind = new("topic_arn", TopicArnPattern, "SNS", "topic");

    /// <summary>
    /// The topic to publish to, <c>arn:aws:sns:&lt;region&gt;:&lt;12-digit account&gt;:&lt;name&gt;</c> (at most 2000
    /// characters). Required with static routing; cleared with a routing function, which returns it per message.
    /// A name ending in <c>.fifo</c> makes the topic FIFO.
    /// </summary>
    [SinkOption("The SNS topic ARN to publish to; a name ending in .fifo makes it a FIFO topic.", Routable = true, MaxLength = AwsAddressKind.MaxLength,
        Pattern = TopicArnPattern, PatternDescription = TopicArnDescription)]
    public string? TopicArn { get; set; }

    /// <summary>For FIFO topics, where <c>MessageGroupId</c> comes from. Default: <see cref="SnsMessageGroup.GroupId"/>.</summary>
    [SinkOption("For FIFO topics, the MessageGroupId source: group_id (the row's ordering group) or table.")]
    public SnsMessageGroup MessageGroup { get; set; } = SnsMessageGroup.GroupId;

    /// <summary>
    /// The original Sequin's <c>is_fifo</c>: whether the topic is FIFO. Optional: a topic is FIFO when its ARN ends in
    /// <c>.fifo</c>, and a value that says otherwise is an error. Default: null (from the ARN).
    /// </summary>
    [SinkOption("Whether the topic is FIFO; optional, as it follows from topic_arn ending in .fifo (a different value is an error).", Name = "is_fifo")]
    public bool? DeclaredFifo { get; set; }

    /// <summary>Whether the configured topic is a FIFO topic (its name ends in <c>.fifo</c>). With routing, each routed ARN decides.</summary>
    public bool IsFifo => TopicArn is not null && AwsAddressKind.IsFifo(TopicArn);

    /// <summary>
    /// The endpoint requests go to: <see cref="AwsSinkOptions.EffectiveEndpointUrl"/>, else AWS's regional SNS endpoint
    /// (<c>https://sns.&lt;region&gt;.amazonaws.com/</c>, <c>.com.cn</c> in China), else null without a region.
    /// </summary>
    public Uri? EffectiveEndpoint => EffectiveEndpointUrl ?? (EffectiveRegion is { } r
        ? new Uri($"https://sns.{r}.{(r.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com")}/")
        : null);

    /// <inheritdoc />
    protected override string? Address => TopicArn;

    /// <inheritdoc />
    protected override AwsAddressKind AddressKind => TopicArnKind;
}
