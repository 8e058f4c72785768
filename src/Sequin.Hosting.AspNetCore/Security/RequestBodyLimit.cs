using Microsoft.AspNetCore.Http.Metadata;

namespace Sequin.Hosting.AspNetCore.Security;

/// <summary>
/// The largest request body a Sequin endpoint reads (endpoint metadata that routing applies to the server's
/// <c>IHttpMaxRequestBodySizeFeature</c>): a larger body is refused with 413 before it is buffered, instead of Kestrel's
/// 30 MB default, which let a few parallel requests hold gigabytes while JSON and form binding copied them.
/// </summary>
internal sealed class RequestBodyLimit(long maxBytes) : IRequestSizeLimitMetadata
{
    /// <summary>The limit of every API and console endpoint: 1 MiB, far above any sink proposal, function or sample message.</summary>
    public const long DefaultMaxBytes = 1024 * 1024;

    /// <inheritdoc />
    public long? MaxRequestBodySize { get; } = maxBytes;
}
