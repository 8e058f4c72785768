using System.Text.Json;
using System.Text.RegularExpressions;
using Sequin.Messages;

namespace Sequin.Sinks.Nats;

/// <summary>
/// The <c>nats</c> sink: each change is published on a subject (route key <c>subject</c>, default
/// <c>sequin.&lt;db&gt;.&lt;schema&gt;.&lt;table&gt;.&lt;action&gt;</c>) with the header <c>Nats-Msg-Id</c> set to its
/// idempotency key, so a JetStream stream drops a redelivered duplicate. Published through JetStream (acknowledged)
/// when a stream captures the subject, core NATS otherwise (<see cref="NatsPublishMode"/>; <see cref="NatsDelivery"/>).
/// </summary>
public sealed class NatsSink : Sink<NatsSinkOptions>
{
    /// <summary>The route key of the subject.</summary>
    public const string SubjectKey = "subject";

    /// <summary>
    /// The route key of extra message headers, a map (default none). <c>Nats-Msg-Id</c> is always sent: the message's
    /// idempotency key, unless the headers give one.
    /// </summary>
    public const string HeadersKey = "headers";

    /// <summary>NATS's default <c>max_payload</c>: 1 MiB. Larger messages fail permanently without being sent.</summary>
    public const int MaxMessageBytes = 1024 * 1024;

    private static readonly RoutableKey[] Keys =
    [
        new(SubjectKey, "The subject the change is published on.")
        {
            Required = true,
            MaxLength = 255,
            Pattern = new Regex(@"^[A-Za-z0-9.\-_]+$", RegexOptions.CultureInvariant),
            PatternDescription = "a subject of letters, digits, '.', '-' and '_'",
        },
        new(HeadersKey, "Extra message headers, an object of strings, e.g. { \"tenant\": \"7\" } (default none; Nats-Msg-Id is the idempotency key unless given).")
        {
            IsMap = true,
        },
    ];

    private static readonly SinkLimits Limits = new()
    {
        MaxBatchMessages = 1000,
        MaxMessageBytes = MaxMessageBytes,
        MaxBatchBytes = 8 * 1024 * 1024,
    };

    /// <inheritdoc />
    public override string Description => "NATS subjects: JetStream publishes (acknowledged, deduplicated by Nats-Msg-Id) or core NATS when no stream captures the subject.";

    /// <inheritdoc />
    public override IReadOnlyList<RoutableKey> RouteKeys => Keys;

    /// <inheritdoc />
    public override string DefaultRoutingFunction => """
        // Routing function for a nats sink: the subject each change is published on.
        //   subject (required): letters, digits, '.', '-' and '_'. Every message carries Nats-Msg-Id = its idempotency key.
        //   headers (optional): an object of strings, sent as NATS headers.
        function route(action, record, changes, metadata) {
          return { subject: `sequin.${metadata.database_name}.${metadata.table_schema}.${metadata.table_name}.${action}` };
        }
        """;

    /// <summary>Batches of up to 1,000 messages (100 by default) and 8 MiB; messages up to NATS's default max_payload (1 MiB).</summary>
    public override SinkLimits GetLimits(NatsSinkOptions options) => Limits;

    /// <summary>Subject <c>sequin.&lt;db&gt;.&lt;schema&gt;.&lt;table&gt;.&lt;action&gt;</c>, as in the original.</summary>
    public override void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(route);
        route[SubjectKey] = "sequin." + message.Source.Name + "." + message.Relation.Schema + "." + message.Relation.Table + "." + message.Action.ToWireName();
    }

    /// <summary>Header names are tokens (printable ASCII without ':' or spaces); values are one line.</summary>
    public override string? ValidateRoute(Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        if (route[HeadersKey] is not { Length: > 2 } headers)
        {
            return null;
        }

        using var document = JsonDocument.Parse(headers);
        foreach (var header in document.RootElement.EnumerateObject())
        {
            if (header.Name.Length == 0 || header.Name.Any(c => c is <= ' ' or >= (char)127 or ':'))
            {
                return $"Route key 'headers' has the header name \"{header.Name}\": a NATS header name is printable ASCII without ':' or spaces.";
            }

            var value = header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString()! : header.Value.GetRawText();
            if (value.Contains('\r', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal))
            {
                return $"Route key 'headers' has a line break in the value of header \"{header.Name}\": a NATS header value is one line.";
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override ISinkDelivery CreateDelivery(NatsSinkOptions options, SinkContext context) => NatsDelivery.Create(options, context);

    /// <summary>A password needs a user name.</summary>
    protected override void Validate(NatsSinkOptions options, RoutingMode mode, Action<string, string> report)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        if (options.Password is { Length: > 0 } && options.Username is not { Length: > 0 })
        {
            report("username", "Required with password: NATS checks a user name and password together.");
        }
    }
}
