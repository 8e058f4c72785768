namespace Sequin.Replication;

/// <summary>
/// Cancels the sources that stop a replication stream and its side loops without letting a failing callback escape:
/// Npgsql registers callbacks on the stream's token that may throw while the connection is torn down, and that must
/// not reach whoever asked replication to stop.
/// </summary>
internal static class SafeCancellation
{
    /// <summary>Cancels <paramref name="target"/> when <paramref name="cancellationToken"/> is cancelled.</summary>
    public static CancellationTokenRegistration Link(CancellationTokenSource target, CancellationToken cancellationToken) =>
        cancellationToken.Register(static state => Cancel((CancellationTokenSource)state!), target);

    /// <summary>Cancels <paramref name="source"/>, ignoring failing callbacks and a source already disposed.</summary>
    public static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (AggregateException)
        {
            // A callback failed while cancelling; the cancellation itself took place.
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
