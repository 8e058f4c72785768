namespace Sequin.Sinks.Kafka.Internal;

/// <summary>An AWS MSK IAM authentication token and the moment it stops being accepted.</summary>
/// <param name="Value">The base64url (unpadded) presigned URL, sent as the OAUTHBEARER token.</param>
/// <param name="ExpiresAt">When the presigned URL expires: its <c>X-Amz-Date</c> plus 900 s.</param>
internal readonly record struct MskIamAuthToken(string Value, DateTimeOffset ExpiresAt)
{
    /// <summary>The token, never its value: a token is a credential for 15 minutes.</summary>
    public override string ToString() => $"MSK IAM token expiring at {ExpiresAt:O}";
}
