using Microsoft.Extensions.Logging;

namespace Sequin.Sinks.Typesense.Internal;

/// <summary>Log messages of the Typesense sink (event ids 3000-3999). Never logs the API key.</summary>
internal static partial class TypesenseSinkLog
{
    [LoggerMessage(3001, LogLevel.Debug, "Typesense {Method} {Path} answered {StatusCode} in {ElapsedMs} ms.")]
    public static partial void RequestCompleted(ILogger logger, string method, string path, int statusCode, long elapsedMs);

    [LoggerMessage(3002, LogLevel.Debug, "Typesense request {Method} {Path} failed: {Reason}")]
    public static partial void RequestFailed(ILogger logger, string method, string path, string reason);

    [LoggerMessage(3003, LogLevel.Information, "Created missing Typesense collection {Collection} with an auto schema.")]
    public static partial void CollectionCreated(ILogger logger, string collection);

    [LoggerMessage(3004, LogLevel.Warning, "Delete by filter on collection {Collection} failed ({Reason}); deleting the documents one by one.")]
    public static partial void DeleteByFilterFallback(ILogger logger, string collection, string reason);
}
