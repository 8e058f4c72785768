using Microsoft.Extensions.Logging;
using Sequin.Messages;

namespace Sequin.Sinks;

/// <summary>What a sink gets when it creates the delivery of one configured sink: who it is, its routing mode, the host's services, logging and clock.</summary>
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
}
