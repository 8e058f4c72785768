using Microsoft.Extensions.Logging;

namespace Sequin.Hosting.AspNetCore;

/// <summary>The listener's log messages (event ids 7120-7129).</summary>
internal static partial class ListenerLog
{
    [LoggerMessage(EventId = 7120, Level = LogLevel.Information, Message = "HTTP endpoint listening on {Address} (bearer token required: {TokenRequired})")]
    public static partial void Listening(ILogger logger, string address, bool tokenRequired);
}
