using System.Net.Sockets;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Sequin.Sinks.RabbitMq.Internal;

/// <summary>
/// What a RabbitMQ failure means for a message, and its text. Permanent (retrying alone will not help; Core parks it
/// after <c>park_after_failures</c> and retries it when an operator asks): the broker closed the channel because the
/// exchange does not exist (404), the user may not write to it (403) or the message breaks a limit (406), or it
/// returned a mandatory message no queue takes (312). Everything else is retried with backoff: connection refused or
/// lost, refused credentials, a nack, no confirmation within <c>timeout_ms</c>. Texts name the broker, never the password.
/// </summary>
internal static class RabbitMqErrors
{
    private const ushort NotFound = 404;
    private const ushort AccessRefused = 403;
    private const ushort PreconditionFailed = 406;

    /// <summary>The outcome of a message whose publish failed with <paramref name="exception"/>.</summary>
    public static DeliveryOutcome Outcome(Exception exception, RabbitMqSinkOptions options, string exchange, string routingKey)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(options);
        var server = options.Describe();
        switch (exception)
        {
            case PublishReturnException returned:
                return DeliveryOutcome.Permanent(
                    $"RabbitMQ at {server} returned the message: exchange '{exchange}' routed it to no queue (routing key '{routingKey}'; {returned.ReplyCode} {returned.ReplyText}). " +
                    "Bind a queue that takes it, or set mandatory: false to let the broker drop such messages.");
            case PublishException:
                return DeliveryOutcome.Retry($"RabbitMQ at {server} refused to store the message (nack) on exchange '{exchange}'.");
        }

        if (ShutdownReason(exception) is { Initiator: RabbitMQ.Client.ShutdownInitiator.Peer } reason && IsChannelError(reason))
        {
            var said = Scrub(reason.ReplyText, options);
            return reason.ReplyCode switch
            {
                NotFound => DeliveryOutcome.Permanent($"RabbitMQ at {server} has no exchange '{exchange}': create it, or route to one that exists. RabbitMQ said: {reason.ReplyCode} {said}"),
                AccessRefused => DeliveryOutcome.Permanent($"RabbitMQ at {server} does not let user '{options.Username}' publish to exchange '{exchange}': grant write permission. RabbitMQ said: {reason.ReplyCode} {said}"),
                _ => DeliveryOutcome.Permanent($"RabbitMQ at {server} refused the message on exchange '{exchange}': {reason.ReplyCode} {said}"),
            };
        }

        return DeliveryOutcome.Retry(Describe(exception, options));
    }

    /// <summary>An error text naming the broker (and the credentials keys for a refused login), without the password.</summary>
    public static string Describe(Exception exception, RabbitMqSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(options);
        var server = options.Describe();
        var own = Scrub(Flatten(exception), options);
        if (IsAuthenticationFailure(exception))
        {
            return $"RabbitMQ at {server} refused the credentials (user '{options.Username}'): check 'username' and 'password'. RabbitMQ said: {own}";
        }

        if (ShutdownReason(exception) is { ReplyCode: 530 } notAllowed)
        {
            return $"RabbitMQ at {server} does not let user '{options.Username}' into virtual host '{options.VirtualHost}': check 'virtual_host' and the user's permissions. RabbitMQ said: {Scrub(notAllowed.ReplyText, options)}";
        }

        return exception switch
        {
            TimeoutException or OperationCanceledException => $"RabbitMQ at {server} did not answer or confirm within timeout_ms ({options.TimeoutMs} ms): {own}",
            _ => $"RabbitMQ at {server} cannot be reached or closed the connection: {own} ({exception.GetType().Name})",
        };
    }

    /// <summary>Whether the exception is one a RabbitMQ call throws (as opposed to a bug).</summary>
    public static bool IsRabbitMqFailure(Exception exception) =>
        exception is RabbitMQClientException or OperationInterruptedException or BrokerUnreachableException or TimeoutException
            or SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException;

    /// <summary>The broker's reason for closing the channel or connection, if the exception carries one.</summary>
    public static ShutdownEventArgs? ShutdownReason(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is OperationInterruptedException { ShutdownReason: { } reason })
            {
                return reason;
            }
        }

        return null;
    }

    private static bool IsAuthenticationFailure(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationFailureException or PossibleAuthenticationFailureException || e.Message.Contains("ACCESS_REFUSED - Login was refused", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // A channel-level error (the connection stays up): 403, 404, 405, 406. Connection-level ones (320 forced, 5xx) are not about the message.
    private static bool IsChannelError(ShutdownEventArgs reason) => reason.ReplyCode is >= 403 and <= 406;

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

    private static string Scrub(string text, RabbitMqSinkOptions options) =>
        options.Password is { Length: > 0 } password ? text.Replace(password, "***", StringComparison.Ordinal) : text;
}
