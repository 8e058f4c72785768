namespace Sequin.TestServers.Aws;

/// <summary>A message <see cref="SnsFakeServer"/> accepted.</summary>
public sealed record SnsFakeMessage(
    string TopicArn,
    string MessageId,
    string Message,
    string? MessageGroupId,
    string? MessageDeduplicationId,
    IReadOnlyDictionary<string, string> Attributes);
