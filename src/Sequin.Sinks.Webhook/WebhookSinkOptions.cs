using Sequin.Sinks;

namespace Sequin.Sinks.Webhook;

/// <summary>
/// The <c>destination:</c> keys of a <c>webhook</c> sink, and the keys of the original's top-level
/// <c>http_endpoints[]</c> item that <c>http_endpoint</c> names (Core reads that item's <c>url</c>, <c>scheme</c>,
/// <c>host</c>, ... <c>headers</c>, <c>encrypted_headers</c> as these keys; they may also be written in the destination
/// itself). Each property marked <see cref="SinkOptionAttribute"/> is a YAML key (its snake_case name); Core parses it,
/// checks its range, reports mistakes naming the key and masks secrets on export. Rules between keys are in
/// <see cref="WebhookSink"/>.
/// </summary>
public sealed class WebhookSinkOptions
{
    /// <summary>The name of an item of the top-level <c>http_endpoints:</c> list whose address and headers this sink uses.</summary>
    [SinkOption("The name of an http_endpoints item: its url (or scheme, host, port, path, query) and headers are this sink's.", MaxLength = 128)]
    public string? HttpEndpoint { get; set; }

    /// <summary>The endpoint's URL (http or https), instead of <c>scheme</c> + <c>host</c> + ...</summary>
    [SinkOption("The endpoint's URL, e.g. https://api.example.com/webhook (or give scheme and host).")]
    public Uri? Url { get; set; }

    /// <summary>The endpoint's scheme, with <c>host</c>: <c>http</c> or <c>https</c>.</summary>
    [SinkOption("With host: http or https.", Pattern = "^(?i:https?)$", PatternDescription = "http or https")]
    public string? Scheme { get; set; }

    /// <summary>The endpoint's user info (<c>user:password</c>), sent as HTTP basic authentication; a secret.</summary>
    [SinkOption("With host: user:password, sent as HTTP basic authentication.", Secret = true, MaxLength = 1024)]
    public string? Userinfo { get; set; }

    /// <summary>The endpoint's host name or address, with <c>scheme</c>.</summary>
    [SinkOption("The endpoint's host name or IP address (with scheme).", MaxLength = 253, Pattern = "^[A-Za-z0-9.-]+$", PatternDescription = "a host name (letters, digits, '.', '-')")]
    public string? Host { get; set; }

    /// <summary>The endpoint's port, with <c>host</c>. Default: 443 for https, 80 for http.</summary>
    [SinkOption("With host: the port (default 443 for https, 80 for http).", Minimum = 1, Maximum = 65535)]
    public int? Port { get; set; }

    /// <summary>The endpoint's base path, with <c>host</c>.</summary>
    [SinkOption("With host: the base path, e.g. /hooks.", MaxLength = 2000)]
    public string? Path { get; set; }

    /// <summary>The endpoint's query string, with <c>host</c> (without the <c>?</c>).</summary>
    [SinkOption("With host: the query string, without '?'.", MaxLength = 2000)]
    public string? Query { get; set; }

    /// <summary>Accepted for the original's files; a fragment is never sent over HTTP.</summary>
    [SinkOption("Accepted for the original's files; a fragment is not sent over HTTP.", MaxLength = 2000)]
    public string? Fragment { get; set; }

    /// <summary>Headers sent with every request (<c>{name: value}</c>, or the original's list of <c>{key, value}</c>).</summary>
    [SinkOption("Headers sent with every request, e.g. { X-Source: sequin }.", MaxLength = 8192)]
    public IReadOnlyDictionary<string, string>? Headers { get; set; }

    /// <summary>Headers with secret values (tokens): sent like <see cref="Headers"/>, their values masked on export and never logged.</summary>
    [SinkOption("Headers with secret values (e.g. Authorization); masked on export and never logged.", Secret = true, MaxLength = 8192)]
    public IReadOnlyDictionary<string, string>? EncryptedHeaders { get; set; }

    /// <summary>
    /// The path appended to the endpoint's URL, in static routing (the route's <c>endpoint_path</c>): empty, or starting
    /// with <c>/</c>, <c>?</c> or <c>#</c>. A routing function sets <c>endpoint_path</c> itself and this key is ignored.
    /// </summary>
    [SinkOption("A path appended to the endpoint's URL (static routing): empty or starting with /, ? or #.", MaxLength = 2000,
        Pattern = WebhookSink.EndpointPathPattern, PatternDescription = WebhookSink.EndpointPathDescription)]
    public string? HttpEndpointPath { get; set; }

    /// <summary>Whether a request carries a batch (<c>{"data":[...]}</c>, up to <c>batch_size</c> messages) or one message.</summary>
    [SinkOption("true: one request per batch, body {\"data\": [message, ...]}; false: one request per message, body = the message.")]
    public bool Batch { get; set; } = true;

    /// <summary>How long one request may take before it fails and is retried, in milliseconds.</summary>
    [SinkOption("How long one request may take before it fails and is retried, in milliseconds.", Minimum = 100, Maximum = 600_000)]
    public int AckWaitMs { get; set; } = 30_000;

    /// <summary>The most connections (and requests in flight) to the endpoint; connections are kept alive and reused.</summary>
    [SinkOption("The most connections, and so requests in flight, to the endpoint (HTTP/1.1 keep-alive).", Minimum = 1, Maximum = 1024)]
    public int MaxConnections { get; set; } = 16;

    /// <summary>A PEM file of CA certificates trusted for the endpoint's certificate, besides the system's.</summary>
    [SinkOption("A PEM file of CA certificates trusted for the endpoint's certificate, besides the system's.", MaxLength = 4096)]
    public string? CaFile { get; set; }

    /// <summary>Accept any certificate: for test endpoints only (logged as a warning at start).</summary>
    [SinkOption("Accept any certificate from the endpoint: for test endpoints only (a warning is logged).")]
    public bool TlsSkipVerify { get; set; }

    /// <summary>
    /// A secret for request signing: each request carries <c>Sequin-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex
    /// HMAC-SHA256 of "&lt;t&gt;.&lt;body&gt;"&gt;</c>. At least 16 characters.
    /// </summary>
    [SinkOption("A secret to sign each request with (header Sequin-Signature: t=<unix>,v1=<HMAC-SHA256 hex of \"<t>.<body>\">).", Secret = true, MaxLength = 1024)]
    public string? SigningSecret { get; set; }
}
