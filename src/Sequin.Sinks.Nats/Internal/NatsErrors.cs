using System.Net.Sockets;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Sequin.Sinks.Nats.Internal;

/// <summary>
/// What a NATS failure means for a message, and its text: everything is retried with backoff (connection refused or
/// lost, timeouts, refused credentials, a stream that does not answer) except a JetStream API error on the message
/// itself (e.g. a message larger than the stream allows). Texts name the server and never hold the password.
/// </summary>
internal static class NatsErrors
{
    /// <summary>The outcome of a message whose publish failed with <paramref name="exception"/>.</summary>
    public static DeliveryOutcome Outcome(Exception exception, NatsSinkOptions options)
    {
        var text = Describe(exception, options);
        // A JetStream API error (4xx) is about the message or the stream's limits: retrying the same message cannot help.
        return exception is NatsJSApiException { Error.Code: >= 400 and < 500 } ? DeliveryOutcome.Permanent(text) : DeliveryOutcome.Retry(text);
    }

    /// <summary>An error text naming the server (and the credentials keys for an authorization failure), without the password.</summary>
    public static string Describe(Exception exception, NatsSinkOptions options)
    {
        var server = options.Describe();
        var own = Scrub(Flatten(exception), options);
        if (IsAuthorizationFailure(exception))
        {
            var who = options.Username is { Length: > 0 } user ? $"user '{user}'" : "no user";
            return $"NATS at {server} refused the credentials ({who}): check 'username' and 'password'. NATS said: {own}";
        }

        return exception switch
        {
            NatsJSApiException => $"NATS JetStream at {server} refused the message: {own}",
            TimeoutException or OperationCanceledException => $"NATS at {server} did not acknowledge within timeout_ms ({options.TimeoutMs} ms): {own}",
            _ => $"NATS at {server} cannot be reached: {own} ({exception.GetType().Name})",
        };
    }

    /// <summary>Whether the server refused the credentials.</summary>
    public static bool IsAuthorizationFailure(Exception exception) =>
        Flatten(exception).Contains("Authorization Violation", StringComparison.OrdinalIgnoreCase)
        || Flatten(exception).Contains("authentication", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether nothing answered a JetStream publish: no stream captures the subject (or JetStream is off).</summary>
    public static bool IsNoResponders(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is NatsNoRespondersException || e.GetType().Name == "NatsJSPublishNoResponseException")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the exception is one a NATS call throws (as opposed to a bug).</summary>
    public static bool IsNatsFailure(Exception exception) =>
        exception is NatsException or TimeoutException or SocketException or OperationCanceledException or IOException;

    private static string Flatten(Exception exception)
    {
        var text = exception.Message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!text.Contains(inner.Message, StringComparison.Ordinal))
            {
                text += " (" + inner.Message + ")";
            }
        }

        return text;
    }

    private static string Scrub(string text, NatsSinkOptions options) =>
        options.Password is { Length: > 0 } password ? text.Replace(password, "***", StringComparison.Ordinal) : text;
}
