using System.Text.RegularExpressions;

namespace Sequin.Sinks.Sqs;

/// <summary>
/// Rules and helpers for SQS queue URLs: <c>https://sqs.&lt;region&gt;.amazonaws.com/&lt;12-digit account&gt;/&lt;name&gt;</c>,
/// or an emulator's <c>http://127.0.0.1:&lt;port&gt;/&lt;account&gt;/&lt;name&gt;</c> (with <c>endpoint_url</c>).
/// </summary>
internal static partial class SqsQueueUrl
{
    /// <summary>The longest accepted URL, as in the original: 2000 characters.</summary>
    public const int MaxLength = 2000;

    /// <summary>How the URL rule is described in errors.</summary>
    public const string Description = "an SQS queue URL (https://sqs.<region>.amazonaws.com/<12-digit account id>/<queue name>)";

    /// <summary>
    /// The pattern a queue URL must match: http or https, a host (and port), a 12-digit account and a queue name of
    /// 1-80 letters, digits, <c>_</c> and <c>-</c>, with the <c>.fifo</c> suffix counted in the 80.
    /// </summary>
    public const string PatternText = @"^https?://(?<host>[A-Za-z0-9.-]+)(?::[0-9]{1,5})?/(?<account>[0-9]{12})/(?=[A-Za-z0-9_.-]{1,80}$)(?<name>[A-Za-z0-9_-]+(?:\.fifo)?)$";

    /// <summary>The pattern of a region: 1-64 lower-case letters, digits and dashes.</summary>
    public const string RegionPattern = "^[a-z0-9-]{1,64}$";

    /// <summary><see cref="PatternText"/>, compiled.</summary>
    [GeneratedRegex(PatternText, RegexOptions.CultureInvariant)]
    public static partial Regex Pattern();

    // AWS's hosts: sqs.<region>.amazonaws.com(.cn), and the legacy <region>.queue.amazonaws.com.
    [GeneratedRegex(@"^(?:sqs\.(?<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|(?<region>[a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex AwsHost();

    /// <summary>Whether <paramref name="url"/> is a valid queue URL of at most <see cref="MaxLength"/> characters.</summary>
    public static bool IsValid(string? url) => url is not null && url.Length <= MaxLength && Pattern().IsMatch(url);

    /// <summary>Reads the region out of an AWS queue URL's host (<c>sqs.&lt;region&gt;.amazonaws.com</c>).</summary>
    /// <returns>False when the URL is not valid or its host is not AWS's (an emulator's).</returns>
    public static bool TryGetRegion(string url, out string region)
    {
        ArgumentNullException.ThrowIfNull(url);
        var match = url.Length <= MaxLength ? Pattern().Match(url) : Match.Empty;
        var host = match.Success ? AwsHost().Match(match.Groups["host"].Value) : Match.Empty;
        region = host.Success ? host.Groups["region"].Value : string.Empty;
        return host.Success;
    }

    /// <summary>Whether the URL names a FIFO queue (its name ends in <c>.fifo</c>).</summary>
    public static bool IsFifo(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.EndsWith(".fifo", StringComparison.Ordinal);
    }
}
