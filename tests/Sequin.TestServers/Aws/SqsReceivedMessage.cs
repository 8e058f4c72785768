namespace Sequin.TestServers.Aws;

/// <summary>A message read back from an SQS queue.</summary>
/// <param name="Body">The body (with raw delivery, the SNS message itself).</param>
/// <param name="Attributes">The string message attributes.</param>
public sealed record SqsReceivedMessage(string Body, IReadOnlyDictionary<string, string> Attributes);
