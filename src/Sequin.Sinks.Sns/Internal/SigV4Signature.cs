namespace Sequin.Sinks.Sns.Internal;

/// <summary>The output of <see cref="SigV4Signer.Sign"/>.</summary>
/// <param name="CanonicalRequest">The canonical request that was signed.</param>
/// <param name="SignedHeaders">The signed header names, <c>;</c>-separated.</param>
/// <param name="Signature">The hex signature.</param>
/// <param name="Authorization">The <c>Authorization</c> header value.</param>
internal sealed record SigV4Signature(string CanonicalRequest, string SignedHeaders, string Signature, string Authorization);
