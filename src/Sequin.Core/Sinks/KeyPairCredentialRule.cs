namespace Sequin.Sinks;

/// <summary>
/// The rule for a destination that takes credentials one of two ways: an explicit key pair (a key id and its secret)
/// or ambient credentials its client finds itself (environment, profile, instance or task role). Exactly one way must
/// be given, and a key pair whole. Use it from <see cref="Sink{TOptions}.Validate"/>; the errors name the sink's keys.
/// </summary>
/// <param name="keyIdKey">The key of the key id, e.g. <c>access_key_id</c>.</param>
/// <param name="secretKey">The key of the secret, e.g. <c>secret_access_key</c>.</param>
/// <param name="ambientKey">The boolean key that selects ambient credentials, e.g. <c>use_task_role</c>.</param>
/// <param name="ambientDescription">What ambient credentials are, for errors, e.g. <c>the AWS SDK's default credential chain</c>.</param>
public sealed class KeyPairCredentialRule(string keyIdKey, string secretKey, string ambientKey, string ambientDescription)
{
    private readonly string _keyIdKey = keyIdKey;
    private readonly string _secretKey = secretKey;
    private readonly string _ambientKey = ambientKey;
    private readonly string _ambientDescription = ambientDescription;

    /// <summary>Reports, on the key concerned, credentials given both ways, neither way, or half a key pair.</summary>
    /// <param name="keyId">The key id as parsed; empty counts as absent.</param>
    /// <param name="secret">The secret as parsed; empty counts as absent. Never echoed.</param>
    /// <param name="ambient">Whether ambient credentials were chosen.</param>
    /// <param name="report">Reports an error: the key and the reason.</param>
    public void Validate(string? keyId, string? secret, bool ambient, Action<string, string> report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var hasKey = !string.IsNullOrEmpty(keyId);
        var hasSecret = !string.IsNullOrEmpty(secret);
        if (ambient)
        {
            if (hasKey || hasSecret)
            {
                report(hasKey ? _keyIdKey : _secretKey, $"Give either {_ambientKey}: true ({_ambientDescription}) or {_keyIdKey} and {_secretKey}, not both.");
            }
        }
        else if (!hasKey && !hasSecret)
        {
            report(_keyIdKey, $"Credentials are required: set {_keyIdKey} and {_secretKey}, or {_ambientKey}: true for {_ambientDescription}.");
        }
        else if (!hasKey)
        {
            report(_keyIdKey, $"Required with {_secretKey}.");
        }
        else if (!hasSecret)
        {
            report(_secretKey, $"Required with {_keyIdKey}.");
        }
    }
}
