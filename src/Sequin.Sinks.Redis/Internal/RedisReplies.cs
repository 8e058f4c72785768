namespace Sequin.Sinks.Redis.Internal;

/// <summary>The replies of one pipelined round trip as one outcome per message.</summary>
internal static class RedisReplies
{
    /// <summary>
    /// Waits for every reply (the client fails them itself after <c>timeout_ms</c>) and maps each: a reply is delivered,
    /// a failed one is retried or permanent by <see cref="RedisErrors"/>. A null task (a message not sent) is left delivered
    /// for the caller to overwrite.
    /// </summary>
    public static async Task<DeliveryOutcome[]> OutcomesAsync(IReadOnlyList<Task?> replies, RedisConnectionOptions options, CancellationToken cancellationToken)
    {
        var outcomes = new DeliveryOutcome[replies.Count];
        for (var i = 0; i < replies.Count; i++)
        {
            if (replies[i] is not { } reply)
            {
                continue;
            }

            try
            {
                await reply.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                outcomes[i] = RedisErrors.Outcome(ex, options);
            }
        }

        return outcomes;
    }
}
