using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Sequin.Sinks.Sqs.Internal;

/// <summary>
/// FIFO ids. SQS accepts 1-128 characters of letters, digits and ASCII punctuation for both.
/// <c>MessageGroupId</c> is the lower-case hex MD5 of the message's group id, as the original computes it (group ids can
/// be long and hold any character). <c>MessageDeduplicationId</c> is the idempotency key itself when it fits (Sequin's
/// keys, base64 of <c>commit_lsn:commit_idx</c>, always do); any other value is replaced by its hex SHA-256.
/// </summary>
internal static class SqsFifoIds
{
    public const int MaxLength = 128;

    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms", Justification = "Not security: an id derivation compatible with the original (md5 hex of the group id).")]
    public static string MessageGroupId(string source) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(source)));

    public static string MessageDeduplicationId(string idempotencyKey) =>
        IsValidId(idempotencyKey) ? idempotencyKey : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));

    /// <summary>Whether a value is a valid FIFO id: 1-128 characters, each a letter, digit or ASCII punctuation.</summary>
    public static bool IsValidId(string value)
    {
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
