namespace Sequin.Sinks.Nats;

/// <summary>How the <c>nats</c> sink publishes (<c>publish_mode</c>).</summary>
public enum NatsPublishMode
{
    /// <summary>
    /// JetStream when a stream captures the subject (the message is delivered once the stream acknowledged it), core
    /// NATS when none does (no responders): at most once at the server, as the original. The default.
    /// </summary>
    Auto,

    /// <summary>JetStream only: a subject no stream captures is a retryable failure, never a fire-and-forget publish.</summary>
    JetStream,

    /// <summary>Core NATS only: published without an acknowledgement (at most once at the server).</summary>
    Core,
}
