using Sequin.Sinks.Sns.Tests.Support;
using Sequin.Sinks.Testing;
using Sequin.TestServers.Aws;

namespace Sequin.Sinks.Sns.Tests;

/// <summary>
/// The SDK's promises (<see cref="SinkConformanceTests{TOptions}"/>) against the project's SNS fake (or the real SNS
/// endpoint <see cref="SnsTarget"/> names); a topic that does not exist refuses a message for good.
/// </summary>
public sealed class SnsConformanceTests(SnsTarget target)
    : SinkConformanceTests<SnsSinkOptions>(new SnsSink()), IClassFixture<SnsTarget>
{
    protected override IReadOnlyList<(string Key, string? Value)> ReachableDestination => target.IsReal
        ? [("topic_arn", target.TopicArn), ("use_task_role", "true"), .. Endpoint(target.Endpoint)]
        : [("topic_arn", target.TopicArn), ("access_key_id", SnsFakeServer.AccessKeyId), ("secret_access_key", SnsFakeServer.SecretAccessKey), .. Endpoint(target.Endpoint)];

    // Port 9 (discard) is closed on loopback here.
    protected override IReadOnlyList<(string Key, string? Value)> UnreachableDestination =>
        [("topic_arn", target.TopicArn), ("access_key_id", SnsFakeServer.AccessKeyId), ("secret_access_key", SnsFakeServer.SecretAccessKey), ("endpoint_url", "http://127.0.0.1:9/")];

    protected override RoutedMessage? PermanentlyRefusedMessage(SnsSinkOptions options) =>
        Kit.Routed(TestTable.Order(13), options, values: ("topic_arn", target.MissingTopicArn));

    private static (string Key, string? Value)[] Endpoint(Uri? endpoint) => endpoint is null ? [] : [("endpoint_url", endpoint.ToString())];
}
