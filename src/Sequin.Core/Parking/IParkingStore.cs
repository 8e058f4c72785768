using Sequin.Messages;

namespace Sequin.Parking;

/// <summary>
/// Durable storage of a sink's parked messages: messages that failed <c>park_after_failures</c> times, and the later
/// messages of their groups, moved out of memory so the replication slot can advance past them
/// (docs/reference/failures.md). Also keeps the record of discarded messages. Every method is safe to call
/// concurrently; rows of one group are kept in the order they were parked.
/// </summary>
internal interface IParkingStore
{
    /// <summary>Creates the schema and tables if they do not exist. Idempotent.</summary>
    Task EnsureCreatedAsync(CancellationToken cancellationToken);

    /// <summary>Parks messages durably, in the given order, in one transaction.</summary>
    Task ParkAsync(string sink, IReadOnlyList<ParkedWrite> messages, CancellationToken cancellationToken);

    /// <summary>Every group with parked messages of <paramref name="sink"/>, with its count and next attempt time.</summary>
    Task<IReadOnlyList<ParkedGroupSummary>> LoadGroupsAsync(string sink, CancellationToken cancellationToken);

    /// <summary>
    /// The groups an operator changed (<c>sequin messages retry|discard</c>) since the last call, clearing the requests:
    /// the running host tries their heads at once instead of at their scheduled time.
    /// </summary>
    Task<IReadOnlyList<ParkingKey>> TakeRetryRequestsAsync(string sink, CancellationToken cancellationToken);

    /// <summary>The oldest parked message of a group, or null when the group has none.</summary>
    Task<ParkedRow?> LoadHeadAsync(string sink, ParkingKey key, CancellationToken cancellationToken);

    /// <summary>Removes a delivered (or filtered) parked message. Returns false when it was no longer there.</summary>
    Task<bool> DeleteAsync(long id, CancellationToken cancellationToken);

    /// <summary>Records another failed attempt of a parked message and when to try it next.</summary>
    Task RecordFailureAsync(long id, int failedAttempts, string lastError, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken);

    /// <summary>
    /// Records a discarded message with its reason and, when <paramref name="parkedId"/> is set, removes that parked row
    /// in the same transaction.
    /// </summary>
    Task DiscardAsync(string sink, string? groupId, ChangeMessage message, int failedAttempts, string reason, long? parkedId, CancellationToken cancellationToken);

    /// <summary>Deletes discard records of <paramref name="sink"/> older than <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeDiscardedAsync(string sink, DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>How many discard records of <paramref name="sink"/> the store keeps (its discarded figure is seeded from it at start).</summary>
    Task<long> CountDiscardedAsync(string sink, CancellationToken cancellationToken);
}
