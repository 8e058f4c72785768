using Microsoft.Extensions.Logging;

namespace Sequin.TestServers;

/// <summary>One entry kept by <see cref="ListLogger"/>.</summary>
public sealed record LogEntry(LogLevel Level, EventId EventId, string Category, string Message, Exception? Exception);
