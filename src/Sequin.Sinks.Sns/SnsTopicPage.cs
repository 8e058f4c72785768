namespace Sequin.Sinks.Sns;

/// <summary>One page of <c>ListTopics</c>.</summary>
/// <param name="TopicArns">The topics' ARNs.</param>
/// <param name="NextToken">The token of the next page, or null on the last.</param>
internal sealed record SnsTopicPage(IReadOnlyList<string> TopicArns, string? NextToken);
