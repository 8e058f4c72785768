namespace Sequin.TestServers.Aws;

/// <summary>A rejection <see cref="SnsFakeServer.FailEntry"/> injects for one PublishBatch entry (AWS's <c>BatchResultErrorEntry</c>).</summary>
public sealed record SnsFakeEntryError(string Code, string Message, bool SenderFault);
