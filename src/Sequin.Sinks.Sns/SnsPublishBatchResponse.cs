namespace Sequin.Sinks.Sns;

/// <summary>The result of a <c>PublishBatch</c> call: the entries AWS accepted and the ones it rejected.</summary>
/// <param name="Successful">The accepted entries.</param>
/// <param name="Failed">The rejected entries (<c>BatchResultErrorEntry</c>), each with AWS's code and message.</param>
internal sealed record SnsPublishBatchResponse(IReadOnlyList<SnsBatchResultEntry> Successful, IReadOnlyList<SnsBatchResultErrorEntry> Failed);
