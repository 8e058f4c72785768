using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Sequin.Core.Tests.Replication.Support;

/// <summary>A logger that keeps every entry: level, event id and formatted message.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, EventId EventId, string Message)> Entries { get; } = new();

    /// <summary>The entries logged with an exception (those print a stack trace).</summary>
    public ConcurrentQueue<(EventId EventId, Exception Exception)> Exceptions { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Entries.Enqueue((logLevel, eventId, formatter(state, exception)));
        if (exception is not null)
        {
            Exceptions.Enqueue((eventId, exception));
        }
    }
}
