namespace Sequin.TestServers.Aws;

/// <summary>A request <see cref="SnsFakeServer"/> received.</summary>
/// <param name="Action">The Query API action.</param>
/// <param name="AccessKeyId">The access key of its signature, or null when unsigned.</param>
/// <param name="EntryCount">The number of PublishBatch entries (0 for other actions).</param>
/// <param name="StatusCode">The HTTP status answered.</param>
public sealed record SnsFakeRequest(string Action, string? AccessKeyId, int EntryCount, int StatusCode);
