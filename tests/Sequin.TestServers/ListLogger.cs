using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Sequin.TestServers;

/// <summary>
/// The test projects' one logger: keeps every entry (level, event id, category, formatted message, exception) in order.
/// Use it as an <see cref="ILogger"/>, as an <see cref="ILogger{TCategoryName}"/> with <see cref="For{T}"/>, or as the
/// provider of every logger of a service collection (<c>AddLogging(b =&gt; b.AddProvider(logs))</c>).
/// </summary>
public sealed class ListLogger : ILogger, ILoggerProvider
{
    private readonly string _category;
    private readonly ConcurrentQueue<LogEntry> _entries;

    public ListLogger()
        : this(string.Empty, new ConcurrentQueue<LogEntry>())
    {
    }

    private ListLogger(string category, ConcurrentQueue<LogEntry> entries)
    {
        _category = category;
        _entries = entries;
    }

    /// <summary>Every entry logged through this logger and the loggers made from it.</summary>
    public IReadOnlyCollection<LogEntry> Entries => _entries;

    /// <summary>The entries logged with an exception (those print a stack trace).</summary>
    public IEnumerable<LogEntry> Exceptions => _entries.Where(e => e.Exception is not null);

    /// <summary>A logger for category <typeparamref name="T"/> that adds to the same entries.</summary>
    public ILogger<T> For<T>() => new Typed<T>(new ListLogger(typeof(T).FullName ?? typeof(T).Name, _entries));

    public ILogger CreateLogger(string categoryName) => new ListLogger(categoryName, _entries);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        _entries.Enqueue(new LogEntry(logLevel, eventId, _category, formatter(state, exception), exception));
    }

    public void Dispose()
    {
    }

    private sealed class Typed<T>(ListLogger inner) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
