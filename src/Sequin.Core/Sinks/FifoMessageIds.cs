using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Sequin.Sinks;

/// <summary>
/// The ids a FIFO destination (AWS SNS and SQS FIFO topics and queues) takes with each message: a message group id,
/// which orders the messages that share it, and a deduplication id, which drops a resent message. Both must be 1-128
/// characters of ASCII letters, digits and punctuation (<see cref="IsValidId"/>). The group id is the lower-case hex
/// MD5 of the message's group (group ids can be long and hold any character), as the original computes it. The
/// deduplication id is the message's idempotency key itself when it fits (Sequin's keys, base64 of
/// <c>commit_lsn:commit_idx</c>, always do); any other value is replaced by its hex SHA-256.
/// </summary>
public static class FifoMessageIds
{
    /// <summary>The longest accepted id: 128 characters.</summary>
    public const int MaxLength = 128;

    /// <summary>The message group id for a group: the lower-case hex MD5 of its UTF-8 bytes (32 characters).</summary>
    /// <param name="group">The group the message belongs to, e.g. its group id or its table's qualified name.</param>
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms", Justification = "Not security: an id derivation compatible with the original (md5 hex of the group id).")]
    public static string MessageGroupId(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(group)));
    }

    /// <summary>The deduplication id for a message: its idempotency key when that is a valid id, else the key's lower-case hex SHA-256.</summary>
    /// <param name="idempotencyKey">The message's idempotency key.</param>
    public static string MessageDeduplicationId(string idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        return IsValidId(idempotencyKey) ? idempotencyKey : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));
    }

    /// <summary>Whether a value is a valid FIFO id: 1-128 characters, each an ASCII letter, digit or punctuation.</summary>
    /// <param name="value">The candidate id.</param>
    public static bool IsValidId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !(c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~'))
            {
                return false;
            }
        }

        return true;
    }
}
