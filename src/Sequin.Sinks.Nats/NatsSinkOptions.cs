namespace Sequin.Sinks.Nats;

/// <summary>
/// The <c>destination:</c> keys of a <c>nats</c> sink: the server, the credentials, TLS and how to publish. None is
/// routable: a routing function chooses the <c>subject</c> (default <c>sequin.&lt;db&gt;.&lt;schema&gt;.&lt;table&gt;.&lt;action&gt;</c>).
/// </summary>
public sealed class NatsSinkOptions
{
    /// <summary>The NATS server's host name or IP address. Required.</summary>
    [SinkOption("The NATS server's host name or IP address.", Required = true, MaxLength = 255)]
    public string? Host { get; set; }

    /// <summary>The NATS server's client port. Default: 4222.</summary>
    [SinkOption("The NATS server's client port.", Minimum = 1, Maximum = 65535)]
    public int Port { get; set; } = 4222;

    /// <summary>The user name, or unset for none.</summary>
    [SinkOption("The user name sent when connecting; unset for none.", MaxLength = 255)]
    public string? Username { get; set; }

    /// <summary>The password; a secret: masked on export, never echoed in errors or logs.</summary>
    [SinkOption("The password sent with the user name.", Secret = true, MaxLength = 4096)]
    public string? Password { get; set; }

    /// <summary>Whether to connect over TLS (the server certificate is verified). Default: false.</summary>
    [SinkOption("Whether to connect over TLS; the server certificate is verified.")]
    public bool Tls { get; set; }

    /// <summary>JetStream when a stream captures the subject, core NATS otherwise (<c>auto</c>, the default); or always one of them.</summary>
    [SinkOption("auto: JetStream (acknowledged, deduplicated) when a stream captures the subject, core NATS otherwise; jetstream: JetStream only; core: core NATS only.",
        AllowedValues = ["auto", "jetstream", "core"])]
    public NatsPublishMode PublishMode { get; set; } = NatsPublishMode.Auto;

    /// <summary>How long connecting and one publish (with its acknowledgement) may take before they fail and are retried, in milliseconds. Default: 15,000.</summary>
    [SinkOption("How long connecting and one publish with its acknowledgement may take before they fail and are retried, in milliseconds.", Minimum = 100, Maximum = 300_000)]
    public int TimeoutMs { get; set; } = 15_000;

    /// <summary>The server as errors and logs name it (<c>host:port</c>); never a credential.</summary>
    internal string Describe() => $"{Host}:{Port}";
}
