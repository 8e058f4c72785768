using Microsoft.Extensions.Logging;

namespace Sequin.Hosting.AspNetCore.Security;

/// <summary>The guard's log messages (event ids 7100-7119). Never the token or the presented value.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Warning, Message = "HTTP {Method} {Path} refused: no valid bearer token")]
    public static partial void Unauthorized(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "HTTP {Method} {Path} refused as cross-site: {Reason}")]
    public static partial void CrossSiteRefused(ILogger logger, string method, string path, string reason);
}
