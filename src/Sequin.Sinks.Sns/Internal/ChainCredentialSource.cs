using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Sequin.Sinks.Sns.Internal;

/// <summary>
/// AWSSDK.Core's default credential chain (<see cref="DefaultAWSCredentialsIdentityResolver"/>): environment
/// variables, shared profile, web identity, ECS container credentials, EC2 instance metadata. Resolved on first use;
/// the SDK's credentials object refreshes expiring credentials itself.
/// </summary>
internal sealed class ChainCredentialSource : IAwsCredentialSource
{
    private readonly DefaultAWSCredentialsIdentityResolver _resolver = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AWSCredentials? _credentials;

    public async ValueTask<ImmutableCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var credentials = _credentials;
        if (credentials is null)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                credentials = _credentials ??= await _resolver.ResolveIdentityAsync(null!, cancellationToken).ConfigureAwait(false);
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
