using Amazon.Runtime;

namespace Sequin.Sinks.Sns.Internal;

/// <summary>Where request credentials come from: explicit keys, or AWSSDK.Core's default credential chain.</summary>
internal interface IAwsCredentialSource : IDisposable
{
    /// <summary>Returns current credentials (refreshed by the SDK when they expire).</summary>
    /// <exception cref="AmazonClientException">No credentials could be found.</exception>
    ValueTask<ImmutableCredentials> GetAsync(CancellationToken cancellationToken);
}
