using System.Text.RegularExpressions;

namespace Sequin.Sinks.Sns;

/// <summary>Rules and helpers for SNS topic ARNs: <c>arn:aws:sns:&lt;region&gt;:&lt;12-digit account&gt;:&lt;name&gt;</c>.</summary>
internal static partial class SnsTopicArn
{
    /// <summary>The longest accepted ARN, as in the original: 2000 characters.</summary>
    public const int MaxLength = 2000;

    /// <summary>How the ARN rule is described in errors.</summary>
    public const string Description = "an SNS topic ARN (arn:aws:sns:<region>:<12-digit account id>:<topic name>)";

    /// <summary>
    /// The pattern a topic ARN must match: partition <c>aws</c> (also <c>aws-cn</c>, <c>aws-us-gov</c>), service
    /// <c>sns</c>, a region of lower-case letters, digits and dashes, a 12-digit account and a name of letters, digits,
    /// <c>_</c>, <c>.</c> and <c>-</c>.
    /// </summary>
    public const string PatternText = @"^arn:aws(?:-cn|-us-gov)?:sns:(?<region>[a-z0-9-]+):(?<account>\d{12}):(?<name>[A-Za-z0-9_.-]+)$";

    /// <summary>The pattern of a region: 1-64 lower-case letters, digits and dashes.</summary>
    public const string RegionPattern = "^[a-z0-9-]{1,64}$";

    /// <summary><see cref="PatternText"/>, compiled.</summary>
    [GeneratedRegex(PatternText, RegexOptions.CultureInvariant)]
    public static partial Regex Pattern();

    /// <summary>Reads the region out of a topic ARN.</summary>
    /// <returns>False when the ARN is not valid.</returns>
    public static bool TryGetRegion(string arn, out string region)
    {
        ArgumentNullException.ThrowIfNull(arn);
        var match = arn.Length <= MaxLength ? Pattern().Match(arn) : Match.Empty;
        region = match.Success ? match.Groups["region"].Value : string.Empty;
        return match.Success;
    }

    /// <summary>Whether the ARN names a FIFO topic (its name ends in <c>.fifo</c>).</summary>
    public static bool IsFifo(string arn)
    {
        ArgumentNullException.ThrowIfNull(arn);
        return arn.EndsWith(".fifo", StringComparison.Ordinal);
    }

    /// <summary>AWS's SNS endpoint for a region: <c>https://sns.&lt;region&gt;.amazonaws.com/</c> (<c>.com.cn</c> in China).</summary>
    public static Uri DefaultEndpoint(string region)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://sns.{region}.{suffix}/");
    }
}
