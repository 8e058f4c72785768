using Sequin.Sinks;

namespace Sequin.Sinks.Webhook;

/// <summary>
/// The <c>destination:</c> keys of a <c>webhook</c> sink. Each property marked <see cref="SinkOptionAttribute"/> is a
/// YAML key (its snake_case name, e.g. <c>timeout_seconds</c>); Core parses it, checks its range and length, reports
/// mistakes naming the key, masks secrets on export and lists it in <c>sequin plugins</c>. The initial value is the
/// default. Rules between keys go in <see cref="WebhookSink"/>'s <c>Validate</c>.
/// </summary>
public sealed class WebhookSinkOptions
{
    // TODO: your destination's address. An absolute http/https URL; Core refuses anything else, naming the key.

    /// <summary>The base URL of the destination's API.</summary>
    [SinkOption("The base URL of the destination's API, e.g. https://api.example.com/v1.", Required = true)]
    public Uri? Url { get; set; }

    // TODO: your destination's credentials. Mark every secret Secret = true.

    /// <summary>The API key sent with every request; a secret (masked on export, never echoed in errors).</summary>
    [SinkOption("The API key sent with every request.", Secret = true, MaxLength = 4096)]
    public string? ApiKey { get; set; }

    // TODO: rename to your destination's resource (a queue, topic, collection, ...). Routable = true makes it the route
    // key of the same name: required here in static routing, set per message by a routing function in dynamic routing.

    /// <summary>Where messages go at the destination: a route key (static routing: every message goes there).</summary>
    [SinkOption("Where messages go at the destination (appended to the URL's path).", Routable = true, MaxLength = 255)]
    public string? Destination { get; set; }

    /// <summary>How long one request may take before it fails (and is retried).</summary>
    [SinkOption("How long one request may take before it fails and is retried, in seconds.", Minimum = 1, Maximum = 300)]
    public int TimeoutSeconds { get; set; } = 30;
}
