using System.Text.RegularExpressions;
using Sequin.Sinks.Aws;

namespace Sequin.Sinks.Sqs;

/// <summary>
/// The <c>destination:</c> keys of an SQS sink (<c>type: sqs</c>): the queue and the request timeout here, and the AWS
/// keys every AWS sink shares (region, credentials, endpoint) from <see cref="AwsSinkOptions"/>. Each property marked
/// <see cref="SinkOptionAttribute"/> is a YAML key (its snake_case name); Core parses it, checks its range and length,
/// reports mistakes naming the key, masks secrets on export and lists it in <c>sequin plugins</c>. The rules between
/// keys are in <see cref="SqsSink"/>.
/// </summary>
public sealed partial class SqsSinkOptions : AwsSinkOptions
{
    /// <summary>
    /// The pattern a queue URL must match: http or https, a host (and port), a 12-digit account and a queue name of
    /// 1-80 letters, digits, <c>_</c> and <c>-</c>, with the <c>.fifo</c> suffix counted in the 80. An emulator's URL
    /// (<c>http://127.0.0.1:&lt;port&gt;/&lt;account&gt;/&lt;name&gt;</c>) matches too.
    /// </summary>
    internal const string QueueUrlPattern = @"^https?://(?<host>[A-Za-z0-9.-]+)(?::[0-9]{1,5})?/(?<account>[0-9]{12})/(?=[A-Za-z0-9_.-]{1,80}$)(?<name>[A-Za-z0-9_-]+(?:\.fifo)?)$";

    /// <summary>How the queue URL rule is described in errors.</summary>
    internal const string QueueUrlDescription = "an SQS queue URL (https://sqs.<region>.amazonaws.com/<12-digit account id>/<queue name>)";

    /// <summary>The queue URL's rules; its region is in AWS's host names only.</summary>
    internal static readonly AwsAddressKind QueueUrlKind = new(
        "queue_url", QueueUrlPattern, "SQS", "queue", RegionOfHost, "whose host is not sqs.<region>.amazonaws.com");

    /// <summary>
    /// The queue to send to, <c>https://sqs.&lt;region&gt;.amazonaws.com/&lt;12-digit account&gt;/&lt;name&gt;</c> (at
    /// most 2000 characters). Required with static routing; cleared with a routing function, which returns it per
    /// message. A name ending in <c>.fifo</c> makes the queue FIFO.
    /// </summary>
    [SinkOption("The SQS queue URL to send to; a name ending in .fifo makes it a FIFO queue.", Routable = true, MaxLength = AwsAddressKind.MaxLength,
        Pattern = QueueUrlPattern, PatternDescription = QueueUrlDescription)]
    public string? QueueUrl { get; set; }

    /// <summary>How long one request may take before it fails (and is retried).</summary>
    [SinkOption("How long one request may take before it fails and is retried, in seconds.", Minimum = 1, Maximum = 300)]
    public int TimeoutSeconds { get; set; } = 30;

    /// <inheritdoc />
    protected override string? Address => QueueUrl;

    /// <inheritdoc />
    protected override AwsAddressKind AddressKind => QueueUrlKind;

    // AWS's hosts: sqs.<region>.amazonaws.com(.cn), and the legacy <region>.queue.amazonaws.com.
    [GeneratedRegex(@"^(?:sqs\.(?<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|(?<region>[a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex AwsHost();

    private static string? RegionOfHost(string host) => AwsHost().Match(host) is { Success: true } m ? m.Groups["region"].Value : null;
}
