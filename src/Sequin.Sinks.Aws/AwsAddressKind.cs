using System.Text.RegularExpressions;

namespace Sequin.Sinks.Aws;

/// <summary>
/// The routable address of an AWS sink (an SNS topic ARN, an SQS queue URL): its key, the pattern it must match, the
/// service and resource it names, and how to read a region from it. Errors about the region are worded from it.
/// </summary>
/// <param name="key">The YAML key of the address, e.g. <c>topic_arn</c>.</param>
/// <param name="pattern">
/// The pattern a valid address matches (the same text the option's <see cref="SinkOptionAttribute.Pattern"/> gives).
/// Its group <c>region</c>, when it matches, is the address's region; else its group <c>host</c> is given to
/// <paramref name="regionOfHost"/>.
/// </param>
/// <param name="service">The service, for errors, e.g. <c>SNS</c>.</param>
/// <param name="resource">What the address names, for errors, e.g. <c>topic</c>.</param>
/// <param name="regionOfHost">Reads a region from the address's host, or null when the host names none (an emulator's).</param>
/// <param name="regionHint">Why a valid address may name no region, for errors, e.g. <c>whose host is not sqs.&lt;region&gt;.amazonaws.com</c>.</param>
public sealed class AwsAddressKind(string key, string pattern, string service, string resource, Func<string, string?>? regionOfHost = null, string regionHint = "which names no region")
{
    /// <summary>The longest accepted address, as in the original: 2000 characters.</summary>
    public const int MaxLength = 2000;

    private readonly Regex _pattern = new(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);
    private readonly Func<string, string?>? _regionOfHost = regionOfHost;

    /// <summary>The YAML key of the address.</summary>
    public string Key { get; } = key;

    /// <summary>The service, for errors.</summary>
    public string Service { get; } = service;

    /// <summary>What the address names, for errors.</summary>
    public string Resource { get; } = resource;

    /// <summary>Why a valid address may name no region, for errors.</summary>
    public string RegionHint { get; } = regionHint;

    /// <summary>Whether an address names a FIFO topic or queue (its name ends in <c>.fifo</c>).</summary>
    public static bool IsFifo(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.EndsWith(".fifo", StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="address"/> matches the pattern and has at most <see cref="MaxLength"/> characters.</summary>
    public bool IsValid(string? address) => address is not null && address.Length <= MaxLength && _pattern.IsMatch(address);

    /// <summary>The region a valid address names, or null when it names none or is not valid.</summary>
    public string? RegionOf(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var match = address.Length <= MaxLength ? _pattern.Match(address) : Match.Empty;
        if (!match.Success)
        {
            return null;
        }

        if (match.Groups["region"] is { Success: true } region)
        {
            return region.Value;
        }

        return match.Groups["host"] is { Success: true } host && _regionOfHost is not null ? _regionOfHost(host.Value) : null;
    }
}
