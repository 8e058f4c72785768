using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Sequin.Sinks.Kafka.Internal;

/// <summary>
/// Makes MSK IAM tokens for one sink: credentials from <c>aws_access_key_id</c>/<c>aws_secret_access_key</c>, or else
/// from AWSSDK.Core's default credential chain (environment, shared profile, web identity, ECS task role, EC2 instance
/// role; resolved on first use and refreshed by the SDK), signed for <c>aws_region</c> at the current time.
/// </summary>
internal sealed class MskIamTokenProvider : IDisposable
{
    /// <summary>The <c>User-Agent</c> parameter of the tokens: <c>sequin-kafka-sink/&lt;version&gt;</c>.</summary>
    public static readonly string UserAgent = "sequin-kafka-sink/" + (typeof(MskIamTokenProvider).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    private readonly Func<CancellationToken, ValueTask<ImmutableCredentials>> _credentials;
    private readonly TimeProvider _time;
    private readonly IDisposable? _owned;

    /// <summary>Creates a provider.</summary>
    /// <param name="region">The cluster's region.</param>
    /// <param name="credentials">Returns the current credentials; may throw when none can be found.</param>
    /// <param name="credentialSource">Where the credentials come from, for errors: never a secret.</param>
    /// <param name="time">The clock tokens are signed with.</param>
    /// <param name="owned">Disposed with the provider (the credential chain's resolver).</param>
    public MskIamTokenProvider(
        string region,
        Func<CancellationToken, ValueTask<ImmutableCredentials>> credentials,
        string credentialSource,
        TimeProvider time,
        IDisposable? owned = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(time);
        Region = region;
        CredentialSource = credentialSource;
        _credentials = credentials;
        _time = time;
        _owned = owned;
    }

    /// <summary>The region tokens are signed for.</summary>
    public string Region { get; }

    /// <summary>Where credentials come from: "access key ****ABCD" or "the default AWS credential chain".</summary>
    public string CredentialSource { get; }

    /// <summary>
    /// The provider for a sink's options: the explicit key pair when both keys are set, else the default credential
    /// chain.
    /// </summary>
    /// <exception cref="ArgumentException">No <c>aws_region</c>, or only one of the two keys (the options were not validated).</exception>
    public static MskIamTokenProvider Create(KafkaSinkOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.AwsRegion))
        {
            throw new ArgumentException("aws_region is required with sasl_mechanism aws_msk_iam.", nameof(options));
        }

        var hasKey = !string.IsNullOrEmpty(options.AwsAccessKeyId);
        var hasSecret = !string.IsNullOrEmpty(options.AwsSecretAccessKey);
        if (hasKey != hasSecret)
        {
            throw new ArgumentException("aws_access_key_id and aws_secret_access_key go together: set both, or neither to use the default AWS credential chain.", nameof(options));
        }

        if (hasKey)
        {
            var fixedCredentials = new ImmutableCredentials(options.AwsAccessKeyId, options.AwsSecretAccessKey, null);
            return new MskIamTokenProvider(options.AwsRegion, _ => ValueTask.FromResult(fixedCredentials), DescribeKey(options.AwsAccessKeyId!), time);
        }

        var chain = new ChainCredentials();
        return new MskIamTokenProvider(options.AwsRegion, chain.GetAsync, "the default AWS credential chain", time, chain);
    }

    /// <summary>Gets current credentials and signs a token at the current time.</summary>
    /// <exception cref="Exception">Whatever the credential source throws when it finds no credentials.</exception>
    public async Task<MskIamAuthToken> CreateTokenAsync(CancellationToken cancellationToken)
    {
        var credentials = await _credentials(cancellationToken).ConfigureAwait(false);
        return MskIamTokenSigner.Create(Region, credentials, _time.GetUtcNow(), UserAgent);
    }

    /// <inheritdoc />
    public void Dispose() => _owned?.Dispose();

    private static string DescribeKey(string accessKeyId) =>
        "access key " + (accessKeyId.Length > 4 ? "****" + accessKeyId[^4..] : "****");

    /// <summary>AWSSDK.Core's default chain, resolved once; the SDK's credentials object refreshes expiring credentials.</summary>
    private sealed class ChainCredentials : IDisposable
    {
        private readonly DefaultAWSCredentialsIdentityResolver _resolver = new();
        private readonly SemaphoreSlim _gate = new(1, 1);
        private AWSCredentials? _resolved;

        public async ValueTask<ImmutableCredentials> GetAsync(CancellationToken cancellationToken)
        {
            var credentials = _resolved;
            if (credentials is null)
            {
                await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    credentials = _resolved ??= await _resolver.ResolveIdentityAsync(null!, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _gate.Release();
                }
            }

            return await credentials.GetCredentialsAsync().ConfigureAwait(false);
        }

        public void Dispose()
        {
            _resolver.Dispose();
            _gate.Dispose();
        }
    }
}
