using System.Text.RegularExpressions;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Webhook;

// Names the sink class, so the host finds it in plugins/ without scanning.
[assembly: SequinSinkPlugin(typeof(WebhookSink))]

namespace Sequin.Sinks.Webhook;

/// <summary>
/// The <c>webhook</c> sink (the original's HTTP push): each batch is one request (<c>{"data":[...]}</c>) or, with
/// <c>batch: false</c>, each message is one. Route keys <c>method</c>, <c>endpoint_path</c> and <c>headers</c>, as in the
/// original; never the host. A batch shares its whole route. Core does the rest from <see cref="WebhookSinkOptions"/>
/// and the delivery (<see cref="WebhookDelivery"/>).
/// </summary>
public sealed class WebhookSink : Sink<WebhookSinkOptions>
{
    /// <summary>The route key holding the HTTP method (default <c>POST</c>).</summary>
    public const string MethodKey = "method";

    /// <summary>The route key holding the path appended to the endpoint's URL (default empty; static: <c>http_endpoint_path</c>).</summary>
    public const string EndpointPathKey = "endpoint_path";

    /// <summary>The route key holding extra request headers, a map (default none).</summary>
    public const string HeadersKey = "headers";

    /// <summary>The header that carries <c>metadata.idempotency_key</c>.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The header that carries the request's signature, when <c>signing_secret</c> is set.</summary>
    public const string SignatureHeader = "Sequin-Signature";

    /// <summary>The most messages in one batched request.</summary>
    public const int MaxBatchMessages = 1000;

    internal const string EndpointPathPattern = @"^(?:[/?#][A-Za-z0-9\-._~!$&'()*+,;=:@/?#%\[\]]*)?$";
    internal const string EndpointPathDescription = "empty, or a URL path starting with /, ? or # (letters, digits and -._~!$&'()*+,;=:@/?#%[])";

    private static readonly RoutableKey[] Keys =
    [
        new(MethodKey, "The HTTP method: GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS (default POST).")
        {
            Required = true,
            AllowedValues = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
        },
        new(EndpointPathKey, "A path appended to the endpoint's URL: empty, or starting with /, ? or # (default empty).")
        {
            Required = true,
            MinLength = 0,
            MaxLength = 2000,
            Pattern = new Regex(EndpointPathPattern, RegexOptions.CultureInvariant),
            PatternDescription = EndpointPathDescription,
        },
        new(HeadersKey, "Extra request headers, an object of strings, e.g. { \"X-Table\": \"orders\" } (default none).")
        {
            IsMap = true,
        },
    ];

    /// <inheritdoc />
    public override string Description => "HTTP webhooks (the original's HTTP push): batched or one message per request, signed if asked.";

    /// <inheritdoc />
    public override IReadOnlyList<RoutableKey> RouteKeys => Keys;

    /// <inheritdoc />
    public override string DefaultRoutingFunction => """
        // Routing function for a webhook sink: the method, the path appended to the endpoint's URL, and extra headers.
        // The host comes from the sink's http_endpoint and is not routable.
        function route(action, record, changes, metadata) {
          return {
            method: "POST",
            endpoint_path: "",
            headers: {}
          };
        }
        """;

    /// <summary>The default route, as the original's: <c>POST</c>, path <c>""</c>, no headers.</summary>
    public override void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        route[MethodKey] = "POST";
        route[EndpointPathKey] = string.Empty;
    }

    /// <summary>Static routing: <c>endpoint_path</c> = <c>http_endpoint_path</c> (or empty), method POST, no route headers.</summary>
    public override void ApplyStaticRoute(WebhookSinkOptions options, Route route)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(route);
        route[EndpointPathKey] = options.HttpEndpointPath ?? string.Empty;
    }

    /// <summary>
    /// Batched: up to 1,000 messages (100 by default) and 8 MiB in one request. Not batched: up to 100 messages handed
    /// to the delivery at once (10 by default), each its own request. Batches share the whole route; at most
    /// <c>max_connections</c> in flight.
    /// </summary>
    public override SinkLimits GetLimits(WebhookSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new()
        {
            MaxBatchMessages = options.Batch ? MaxBatchMessages : 100,
            DefaultBatchMessages = options.Batch ? 100 : 10,
            MaxBatchBytes = 8 * 1024 * 1024,
            DefaultLinger = TimeSpan.FromMilliseconds(5),
            MaxConcurrentBatches = options.Batch ? options.MaxConnections : Math.Max(1, options.MaxConnections / 4),
            BatchBy = [MethodKey, EndpointPathKey, HeadersKey],
        };
    }

    /// <inheritdoc />
    public override ISinkDelivery CreateDelivery(WebhookSinkOptions options, SinkContext context) => WebhookDelivery.Create(options, context);

    /// <summary>
    /// Rules between keys: the address is given exactly one way (<c>url</c>, or <c>scheme</c> + <c>host</c>, directly or
    /// through <c>http_endpoint</c>); TLS keys only with https; <c>ca_file</c> must exist; a signing secret of at least
    /// 16 characters; header names must be valid.
    /// </summary>
    protected override void Validate(WebhookSinkOptions options, RoutingMode mode, Action<string, string> report)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        var viaEndpoint = options.HttpEndpoint is null ? string.Empty : $" (in http_endpoints item '{options.HttpEndpoint}')";
        if (options.Url is null && options.Host is null)
        {
            report(options.HttpEndpoint is null ? "url" : "http_endpoint", $"Required: the endpoint's url, or scheme and host{viaEndpoint}; or http_endpoint naming an http_endpoints item.");
            return;
        }

        if (options.Url is not null && (options.Host ?? options.Scheme ?? options.Path ?? options.Query ?? (options.Port is null ? null : "port")) is not null)
        {
            report("url", $"Give either url or scheme/host/port/path/query, not both{viaEndpoint}.");
            return;
        }

        if (options.Url is null && options.Scheme is null)
        {
            report("scheme", $"Required with host: http or https{viaEndpoint}.");
            return;
        }

        var https = WebhookAddress.IsHttps(options);
        if (!https && options.TlsSkipVerify)
        {
            report("tls_skip_verify", "Only with an https endpoint.");
        }

        if (!https && options.CaFile is not null)
        {
            report("ca_file", "Only with an https endpoint.");
        }

        if (options.CaFile is { } caFile && !File.Exists(caFile))
        {
            report("ca_file", $"File '{caFile}' does not exist.");
        }

        if (options.TlsSkipVerify && options.CaFile is not null)
        {
            report("tls_skip_verify", "Give ca_file or tls_skip_verify, not both: with ca_file the certificate is verified.");
        }

        if (options.SigningSecret is { Length: < 16 })
        {
            report("signing_secret", "Must be at least 16 characters.");
        }

        if (options.Userinfo is not null && !https && !WebhookAddress.IsLoopback(options))
        {
            report("userinfo", "A password may only be sent over https (or to a loopback address).");
        }

        CheckHeaderNames(options.Headers, "headers", report);
        CheckHeaderNames(options.EncryptedHeaders, "encrypted_headers", report);
    }

    private static void CheckHeaderNames(IReadOnlyDictionary<string, string>? headers, string key, Action<string, string> report)
    {
        foreach (var name in headers?.Keys ?? [])
        {
            if (WebhookHeaders.NameProblem(name) is { } problem)
            {
                report(key, $"Header '{name}' {problem}");
            }
        }
    }
}
