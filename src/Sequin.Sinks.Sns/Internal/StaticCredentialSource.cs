using Amazon.Runtime;

namespace Sequin.Sinks.Sns.Internal;

/// <summary>Explicit access key and secret.</summary>
internal sealed class StaticCredentialSource : IAwsCredentialSource
{
    private readonly ImmutableCredentials _credentials;

    public StaticCredentialSource(string accessKeyId, string secretAccessKey, string? sessionToken = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        _credentials = new ImmutableCredentials(accessKeyId, secretAccessKey, sessionToken);
    }

    public ValueTask<ImmutableCredentials> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_credentials);

    public void Dispose()
    {
    }
}
