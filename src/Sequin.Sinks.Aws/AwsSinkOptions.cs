using Amazon.Runtime;

namespace Sequin.Sinks.Aws;

/// <summary>
/// The <c>destination:</c> keys every AWS sink shares: the region, the credentials (a key pair or the SDK's default
/// credential chain) and an endpoint override for emulators. A sink's options class derives from it, adds its routable
/// address (a topic ARN, a queue URL) and says through <see cref="AddressKind"/> how a region is read from that address.
/// </summary>
public abstract class AwsSinkOptions
{
    /// <summary>The AWS region. Default: inferred from the sink's address; required when there is none (dynamic routing).</summary>
    [SinkOption("The AWS region, e.g. us-east-1. Inferred from the topic ARN or queue URL when absent.", Pattern = AwsRegion.PatternText, PatternDescription = AwsRegion.Description)]
    public string? Region { get; set; }

    /// <summary>The access key id, with <see cref="SecretAccessKey"/> (required unless <see cref="UseTaskRole"/>).</summary>
    [SinkOption("The AWS access key id. Required unless use_task_role is true.")]
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key (a secret: masked on export, never logged).</summary>
    [SinkOption("The AWS secret access key. Required unless use_task_role is true.", Secret = true)]
    public string? SecretAccessKey { get; set; }

    /// <summary>
    /// Use the AWS SDK's default credential chain (environment variables, shared profile, web identity, ECS task role,
    /// EC2 instance role) instead of explicit keys. Default: false.
    /// </summary>
    [SinkOption("Use the AWS SDK's default credential chain (environment, profile, web identity, ECS task role, EC2 instance role) instead of keys.")]
    public bool UseTaskRole { get; set; }

    /// <summary>
    /// The endpoint to call instead of AWS's regional one, e.g. an emulator or LocalStack (<c>http://127.0.0.1:4566</c>).
    /// Default: null (AWS).
    /// </summary>
    [SinkOption("Call this endpoint instead of AWS's, e.g. an emulator or LocalStack (http://127.0.0.1:4566).")]
    public Uri? EndpointUrl { get; set; }

    /// <summary>
    /// The original Sequin's emulator switch: with true, requests go to <see cref="EmulatorBaseUrl"/> (see
    /// <see cref="EffectiveEndpointUrl"/>). Default: false.
    /// </summary>
    [SinkOption("With true, requests go to emulator_base_url (the original Sequin's form of endpoint_url, e.g. for LocalStack).")]
    public bool UseEmulator { get; set; }

    /// <summary>The emulator's base URL (e.g. <c>http://localstack:4566</c>), used when <see cref="UseEmulator"/> is true.</summary>
    [SinkOption("The emulator's URL, e.g. http://localstack:4566; required when use_emulator is true.")]
    public Uri? EmulatorBaseUrl { get; set; }

    /// <summary>
    /// The endpoint requests go to instead of AWS's: <see cref="EndpointUrl"/>, else <see cref="EmulatorBaseUrl"/> when
    /// <see cref="UseEmulator"/> is true, else null (AWS). Derived, so that validating or exporting the options changes none of them.
    /// </summary>
    public Uri? EffectiveEndpointUrl => EndpointUrl ?? (UseEmulator ? EmulatorBaseUrl : null);

    /// <summary>The region requests are signed for: <see cref="Region"/>, else the one in the configured address, else null.</summary>
    public string? EffectiveRegion => Region ?? (Address is { } address ? AddressKind.RegionOf(address) : null);

    /// <summary>The configured address (topic ARN, queue URL); null with a routing function.</summary>
    protected abstract string? Address { get; }

    /// <summary>What the address is and how a region is read from it.</summary>
    protected abstract AwsAddressKind AddressKind { get; }

    /// <summary>Describes the credentials for a log line: the source, and only the last four characters of an access key id.</summary>
    public string DescribeCredentials() => UseTaskRole
        ? "default AWS credential chain"
        : "access key " + (AccessKeyId is { Length: > 4 } key ? "****" + key[^4..] : "****");

    /// <summary>The explicit key pair as SDK credentials, or null with <see cref="UseTaskRole"/> (the SDK's default chain).</summary>
    /// <exception cref="InvalidOperationException">Neither way is configured (the options were not validated).</exception>
    public AWSCredentials? CreateCredentials() => UseTaskRole
        ? null
        : new BasicAWSCredentials(
            AccessKeyId ?? throw new InvalidOperationException("access_key_id is missing."),
            SecretAccessKey ?? throw new InvalidOperationException("secret_access_key is missing."));

    /// <summary>
    /// The rules between the shared keys: the original's <see cref="UseEmulator"/> needs <see cref="EmulatorBaseUrl"/>
    /// and no other <see cref="EndpointUrl"/>; a region is needed when the address gives none, and must be the address's
    /// own (unless <see cref="EffectiveEndpointUrl"/> points elsewhere); credentials are given exactly one way. Call it from the
    /// sink's <see cref="Sink{TOptions}.Validate"/>.
    /// </summary>
    /// <param name="mode">Static routing (the address is configured) or dynamic (a routing function returns it).</param>
    /// <param name="report">Reports an error: the key and the reason.</param>
    public void ValidateAwsKeys(RoutingMode mode, Action<string, string> report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (UseEmulator)
        {
            if (EmulatorBaseUrl is null)
            {
                report("emulator_base_url", "Required when use_emulator is true: the emulator's URL, e.g. http://localstack:4566.");
            }
            else if (EndpointUrl is not null && EndpointUrl != EmulatorBaseUrl)
            {
                report("emulator_base_url", "Give either endpoint_url or use_emulator with emulator_base_url, not both.");
            }
        }

        var kind = AddressKind;
        var addressRegion = Address is { } address ? kind.RegionOf(address) : null;
        switch (Region)
        {
            case null when mode == RoutingMode.Dynamic:
                report("region", $"Required when routing is dynamic: there is no {kind.Key} to infer it from.");
                break;
            case null when addressRegion is null && Address is { } a && kind.IsValid(a):
                report("region", $"Required: it cannot be inferred from {kind.Key}, {kind.RegionHint} (got '{a}').");
                break;
            case { } region when EffectiveEndpointUrl is null && addressRegion is not null && !string.Equals(addressRegion, region, StringComparison.Ordinal):
                report("region", $"'{region}' differs from the region of {kind.Key} ('{addressRegion}'); {kind.Service} only accepts a {kind.Resource}'s requests in its own region.");
                break;
        }

        new KeyPairCredentialRule("access_key_id", "secret_access_key", "use_task_role", "the AWS SDK's default credential chain")
            .Validate(AccessKeyId, SecretAccessKey, UseTaskRole, report);
    }
}
