using Sequin.Messages;

namespace Sequin.Sinks.Sns;

/// <summary>
/// SNS routing: one key, <c>topic_arn</c> (required, an SNS topic ARN of at most 2000 characters). There is no
/// system default: with static routing the ARN comes from the sink's <c>topic_arn</c>, with a routing function the
/// function must return one. FIFO is decided per message from the routed ARN.
/// </summary>
public sealed class SnsRoutedConsumer : RoutedConsumer<SnsSinkOptions>
{
    /// <summary>The routable key holding the topic ARN.</summary>
    public const string TopicArnKey = "topic_arn";

    private static readonly RoutableKey[] RouteKeys =
    [
        new(TopicArnKey, "The SNS topic ARN the message is published to.")
        {
            Required = true,
            MaxLength = SnsTopicArn.MaxLength,
            AllowWhitespace = false,
            Pattern = SnsTopicArn.Pattern(),
            PatternDescription = SnsTopicArn.Description,
        },
    ];

    /// <inheritdoc />
    public override IReadOnlyList<RoutableKey> Keys => RouteKeys;

    /// <inheritdoc />
    public override string DefaultRoutingFunction =>
        """
        // Routes each change to an SNS topic. Replace <region> and <account-id> with your AWS region and
        // 12-digit account id, or the ARN fails validation at run time. A topic name ending in .fifo is a FIFO topic.
        function route(action, record, changes, metadata) {
          return {
            topic_arn: "arn:aws:sns:<region>:<account-id>:sequin-" + metadata.database_name + "-" +
              metadata.table_schema + "-" + metadata.table_name
          };
        }
        """;

    /// <inheritdoc />
    /// <remarks>SNS has no system default: <c>topic_arn</c> stays unset.</remarks>
    public override void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
    }

    /// <inheritdoc />
    protected override void ApplyStaticRoute(SnsSinkOptions options, Route route)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(route);
        route[TopicArnKey] = options.TopicArn;
    }
}
