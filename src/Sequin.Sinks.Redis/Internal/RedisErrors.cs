using System.Net.Sockets;
using StackExchange.Redis;

namespace Sequin.Sinks.Redis.Internal;

/// <summary>
/// What a Redis failure means for a message: retried with backoff (connection refused or lost, timeouts, refused
/// credentials, a server that is loading, read-only or out of memory) or permanent (the command itself is wrong for the
/// key: <c>WRONGTYPE</c>, any other <c>ERR</c>). Every text is scrubbed of the password.
/// </summary>
internal static class RedisErrors
{
    // Errors that say something about the server or the connection, not about the message: they pass with time or an
    // operator's fix (credentials, ACL, memory), so the message is retried rather than parked.
    private static readonly string[] RetryablePrefixes =
        ["LOADING", "BUSY", "READONLY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "OOM", "NOAUTH", "WRONGPASS", "NOPERM", "NOREPLICAS", "MISCONF"];

    /// <summary>Whether retrying may help.</summary>
    public static bool IsRetryable(Exception exception) => exception switch
    {
        RedisServerException server => IsRetryableServerError(server.Message),
        RedisConnectionException or RedisTimeoutException or TimeoutException or SocketException or ObjectDisposedException => true,
        _ => true,
    };

    /// <summary>The outcome of a message whose command failed with <paramref name="exception"/>.</summary>
    public static DeliveryOutcome Outcome(Exception exception, RedisConnectionOptions options)
    {
        var text = Describe(exception, options);
        return IsRetryable(exception) ? DeliveryOutcome.Retry(text) : DeliveryOutcome.Permanent(text);
    }

    /// <summary>An error text naming the server, the key at fault for credentials, and Redis's own words, without the password.</summary>
    public static string Describe(Exception exception, RedisConnectionOptions options)
    {
        var server = options.Describe();
        var own = Scrub(exception.Message, options);
        if (IsAuthenticationFailure(exception))
        {
            var who = options.Username is { Length: > 0 } user ? $"user '{user}'" : "the default user";
            var keys = options.Password is { Length: > 0 } ? "check 'password' (and 'username')" : "the server requires a password: set 'password' (and 'username' for an ACL user)";
            return $"Redis at {server} refused the credentials of {who}: {keys}. Redis said: {own}";
        }

        return exception switch
        {
            RedisServerException => $"Redis at {server} refused the command: {own}",
            RedisTimeoutException or TimeoutException => $"Redis at {server} did not answer within timeout_ms ({options.TimeoutMs} ms): {own}",
            _ => $"Redis at {server} cannot be reached: {own}",
        };
    }

    /// <summary>Whether the server refused the credentials (at connect, or on a command).</summary>
    public static bool IsAuthenticationFailure(Exception exception) => exception switch
    {
        RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure } => true,
        RedisServerException server => server.Message.StartsWith("WRONGPASS", StringComparison.Ordinal) || server.Message.StartsWith("NOAUTH", StringComparison.Ordinal),
        _ => exception.InnerException is { } inner && IsAuthenticationFailure(inner),
    };

    /// <summary>Removes the password from a text (a client message may quote its configuration).</summary>
    public static string Scrub(string text, RedisConnectionOptions options) =>
        options.Password is { Length: > 0 } password ? text.Replace(password, "***", StringComparison.Ordinal) : text;

    private static bool IsRetryableServerError(string message)
    {
        foreach (var prefix in RetryablePrefixes)
        {
            if (message.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
