namespace Sequin.Sinks.Sns;

/// <summary>An accepted entry of a <c>PublishBatch</c> call.</summary>
/// <param name="Id">The entry id the request gave.</param>
/// <param name="MessageId">The id SNS assigned.</param>
internal sealed record SnsBatchResultEntry(string Id, string MessageId);
