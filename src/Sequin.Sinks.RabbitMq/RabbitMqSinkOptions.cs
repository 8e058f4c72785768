namespace Sequin.Sinks.RabbitMq;

/// <summary>
/// The <c>destination:</c> keys of a <c>rabbitmq</c> sink: the broker, the credentials, TLS, the exchange and headers
/// (static routing), and how a publish is confirmed. A routing function chooses <c>exchange</c>, <c>routing_key</c>,
/// <c>message_id</c> and <c>headers</c> per message instead (<see cref="RabbitMqSink"/>).
/// </summary>
public sealed class RabbitMqSinkOptions
{
    /// <summary>The broker's host name or IP address. Required.</summary>
    [SinkOption("The RabbitMQ broker's host name or IP address.", Required = true, MaxLength = 255)]
    public string? Host { get; set; }

    /// <summary>The broker's AMQP port. Default: 5672.</summary>
    [SinkOption("The broker's AMQP port (5671 is the usual TLS port).", Minimum = 1, Maximum = 65535)]
    public int Port { get; set; } = 5672;

    /// <summary>The virtual host. Default: <c>/</c>, as in the original.</summary>
    [SinkOption("The virtual host.", MaxLength = 255)]
    public string VirtualHost { get; set; } = "/";

    /// <summary>The user name. Default: <c>guest</c> (RabbitMQ's and the original's default; RabbitMQ lets it in from loopback only).</summary>
    [SinkOption("The user name (RabbitMQ's default user is guest, allowed from loopback only).", MaxLength = 255)]
    public string Username { get; set; } = "guest";

    /// <summary>The password; a secret: masked on export, never echoed in errors or logs. Unset: <c>guest</c>.</summary>
    [SinkOption("The password; unset: guest.", Secret = true, MaxLength = 4096)]
    public string? Password { get; set; }

    /// <summary>Whether to connect over TLS (the server certificate is verified). Default: false.</summary>
    [SinkOption("Whether to connect over TLS; the server certificate is verified.")]
    public bool Tls { get; set; }

    /// <summary>The exchange every message is published to (static routing; required there). A routing function sets it per message.</summary>
    [SinkOption("The exchange messages are published to (static routing); at most 255 characters.", Routable = true, MaxLength = 255)]
    public string? Exchange { get; set; }

    /// <summary>Headers set on every message (static routing), e.g. <c>{ source: sequin }</c>. A routing function sets its own.</summary>
    [SinkOption("Headers set on every message (static routing), e.g. { source: sequin }.", MaxLength = 8192)]
    public IReadOnlyDictionary<string, string>? Headers { get; set; }

    /// <summary>
    /// Whether a message must reach a queue: true (the default) publishes with <c>mandatory</c>, so a message no queue
    /// takes is returned by the broker and fails (parked) instead of being dropped; false lets the broker drop it, as
    /// the original did.
    /// </summary>
    [SinkOption("true: a message no queue is bound for fails (parked) instead of being dropped by the broker; false: the broker drops it, as the original.")]
    public bool Mandatory { get; set; } = true;

    /// <summary>How long connecting and one batch's publishes with their confirmations may take before they fail and are retried, in milliseconds. Default: 15,000.</summary>
    [SinkOption("How long connecting and one batch's publishes with their confirmations may take before they fail and are retried, in milliseconds.", Minimum = 100, Maximum = 300_000)]
    public int TimeoutMs { get; set; } = 15_000;

    /// <summary>The broker as errors and logs name it (<c>host:port</c> and the virtual host); never a credential.</summary>
    internal string Describe() => $"{Host}:{Port} (virtual host '{VirtualHost}')";
}
