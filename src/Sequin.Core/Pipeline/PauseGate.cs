namespace Sequin.Pipeline;

/// <summary>
/// A sink's pause switch (the HTTP API's pause and resume). While paused, <see cref="WaitAsync"/> holds every batch
/// before its delivery; the messages stay buffered (and unacknowledged), so that resuming delivers them, in order, and
/// nothing is lost. A full buffer holds replication back meanwhile, as a slow sink does.
/// </summary>
internal sealed class PauseGate
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _paused; // set while paused, completed by Resume

    /// <summary>Whether deliveries are paused.</summary>
    public bool IsPaused => Volatile.Read(ref _paused) is not null;

    /// <summary>Pauses deliveries; false when they already were.</summary>
    public bool Pause()
    {
        lock (_lock)
        {
            if (_paused is not null)
            {
                return false;
            }

            Volatile.Write(ref _paused, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            return true;
        }
    }

    /// <summary>Resumes deliveries, releasing every held batch; false when they were not paused.</summary>
    public bool Resume()
    {
        TaskCompletionSource? paused;
        lock (_lock)
        {
            paused = _paused;
            Volatile.Write(ref _paused, null);
        }

        paused?.TrySetResult();
        return paused is not null;
    }

    /// <summary>Completes at once when not paused; otherwise when resumed (or when <paramref name="cancellationToken"/> is cancelled).</summary>
    public Task WaitAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _paused) is { } paused ? paused.Task.WaitAsync(cancellationToken) : Task.CompletedTask;
}
