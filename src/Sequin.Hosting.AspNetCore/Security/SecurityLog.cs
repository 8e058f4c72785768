using Microsoft.Extensions.Logging;

namespace Sequin.Hosting.AspNetCore.Security;

/// <summary>The guard's log messages (event ids 7100-7119). Never the token or the presented value.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Warning, Message = "HTTP {Method} {Path} refused: no valid bearer token")]
    public static partial void Unauthorized(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "HTTP {Method} {Path} refused as cross-site: {Reason}")]
    public static partial void CrossSiteRefused(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "HTTP {Method} {Path} refused: Host header '{Host}' does not name this endpoint (DNS rebinding?)")]
    public static partial void HostRefused(ILogger logger, string method, string path, string host);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "Failed {Kind} from {Client} on {Path}: wrong token ({Failures} failures from this address in the current minute)")]
    public static partial void SignInFailed(ILogger logger, string kind, string client, string path, int failures);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Debug, Message = "{Kind} from {Client} on {Path} refused without checking: too many failed attempts, retry in {RetryAfterSeconds} s")]
    public static partial void SignInThrottled(ILogger logger, string kind, string client, string path, string retryAfterSeconds);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Warning, Message = "Connection test of a proposed {SinkType} sink failed: {Reason}")]
    public static partial void ProposalTestFailed(ILogger logger, string sinkType, string reason);

    [LoggerMessage(EventId = 7106, Level = LogLevel.Warning, Message = "Connection test of a proposed {SinkType} sink refused: {Reason}")]
    public static partial void ProposalTestRefused(ILogger logger, string sinkType, string reason);
}
