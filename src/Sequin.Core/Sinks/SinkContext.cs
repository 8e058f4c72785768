using Microsoft.Extensions.Logging;
using Sequin.Messages;

namespace Sequin.Sinks;

/// <summary>What a plugin gets when it creates the client and pipeline of one configured sink.</summary>
public sealed class SinkContext
{
    /// <summary>Creates a context.</summary>
    public SinkContext(ConsumerInfo consumer, RoutingMode routingMode, IServiceProvider services, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Consumer = consumer;
        RoutingMode = routingMode;
        Services = services;
        LoggerFactory = loggerFactory;
        TimeProvider = timeProvider;
    }

    /// <summary>The sink consumer: id, name, annotations.</summary>
    public ConsumerInfo Consumer { get; }

    /// <summary>The sink's routing mode.</summary>
    public RoutingMode RoutingMode { get; }

    /// <summary>The host's services (e.g. <c>IHttpClientFactory</c>, <c>IMeterFactory</c>), when it registered them.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Creates loggers. Never log secrets.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The clock; tests substitute it.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The consumer's <c>batch_size</c>, when configured; overrides the sink's default.</summary>
    public int? BatchSize { get; init; }

    /// <summary>The consumer's <c>batch_timeout_ms</c>, when configured; overrides the sink's default linger.</summary>
    public TimeSpan? BatchTimeout { get; init; }
}
