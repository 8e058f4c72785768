namespace Sequin.Sinks.Redis;

/// <summary>
/// The connection keys every Redis sink shares (<c>redis_string</c>, <c>redis_stream</c>): the server, the credentials,
/// TLS and the database number. None is routable: a routing function chooses keys and streams, never the server or the
/// database. Each property marked <see cref="SinkOptionAttribute"/> is a YAML key (its snake_case name).
/// </summary>
public abstract class RedisConnectionOptions
{
    /// <summary>The Redis server's host name or IP address. Required.</summary>
    [SinkOption("The Redis server's host name or IP address.", Required = true, MaxLength = 255)]
    public string? Host { get; set; }

    /// <summary>The Redis server's port. Default: 6379.</summary>
    [SinkOption("The Redis server's port.", Minimum = 1, Maximum = 65535)]
    public int Port { get; set; } = 6379;

    /// <summary>The ACL user name (Redis 6+), or none for the <c>default</c> user.</summary>
    [SinkOption("The ACL user name (Redis 6 and newer); unset for the default user.", MaxLength = 255)]
    public string? Username { get; set; }

    /// <summary>The password (<c>AUTH</c>); a secret: masked on export, never echoed in errors or logs.</summary>
    [SinkOption("The password sent with AUTH.", Secret = true, MaxLength = 4096)]
    public string? Password { get; set; }

    /// <summary>Whether to connect over TLS. The server's certificate is verified (the original verified none). Default: false.</summary>
    [SinkOption("Whether to connect over TLS; the server certificate is verified.")]
    public bool Tls { get; set; }

    /// <summary>The database number (<c>SELECT</c>). Not routable. Default: 0.</summary>
    [SinkOption("The database number (SELECT); not routable.", Minimum = 0, Maximum = 15_999)]
    public int Database { get; set; }

    /// <summary>How long connecting and one batch's round trip may take before they fail (and are retried), in milliseconds. Default: 15,000 (the original's).</summary>
    [SinkOption("How long connecting and one batch's round trip may take before they fail and are retried, in milliseconds.", Minimum = 100, Maximum = 300_000)]
    public int TimeoutMs { get; set; } = 15_000;

    /// <summary>The server as errors and logs name it: <c>host:port</c> (and the database when not 0). Never a credential.</summary>
    internal string Describe() => Database == 0 ? $"{Host}:{Port}" : $"{Host}:{Port} (database {Database})";
}
