namespace Sequin.Sinks.Sns;

/// <summary>A rejected entry of a <c>PublishBatch</c> call (AWS's <c>BatchResultErrorEntry</c>).</summary>
/// <param name="Id">The entry id the request gave.</param>
/// <param name="Code">AWS's error code, e.g. <c>InvalidParameter</c>.</param>
/// <param name="Message">AWS's error message, or null.</param>
/// <param name="SenderFault">Whether the request was at fault (true) or AWS (false, worth retrying).</param>
internal sealed record SnsBatchResultErrorEntry(string Id, string Code, string? Message, bool SenderFault);
