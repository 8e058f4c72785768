using Sequin.Diagnostics;
using Sequin.Messages;
using Sequin.Parking;
using Sequin.Routing;
using Sequin.Sinks;

namespace Sequin.Pipeline;

/// <summary>
/// Parking (docs/reference/failures.md): once a group's head has failed <c>park_after_failures</c> times, it and every
/// later message of the group are written to the parking store and settled, so the slot can advance. The group stays
/// parked, and new messages of it are parked behind, until the table holds none of it: its head is read back when due,
/// processed and delivered like any message, then deleted (or its failure recorded with the next attempt time, or it
/// is discarded after <c>max_retry_count</c>). Store operations run off the loop and come back as events.
/// </summary>
internal sealed partial class ConsumerPartition
{
    /// <summary>At most this many parked heads are read and tried at once per partition; the rest wait their turn.</summary>
    internal const int MaxParkedHeadsActive = 64;

    private readonly Queue<MessageGroup> _parkedBacklog = new();
    private readonly Dictionary<ParkingKey, MessageGroup> _parkedGroups = [];
    private int _parkedHeadsActive;

    /// <summary>
    /// An operator asked to retry these groups now: each that this partition holds parked and is waiting for its next
    /// attempt is made due at once. Posted to every partition; the others ignore keys they do not hold.
    /// </summary>
    internal void RetryParkedNow(IReadOnlyList<ParkingKey> keys) => Post(new PartitionEvent(null, null, Stop: false, () =>
    {
        var now = _owner.Time.GetUtcNow();
        foreach (var key in keys)
        {
            if (_parkedGroups.TryGetValue(key, out var group) && group.Parked is { HeadActive: false } p
                && group.State == MessageGroupState.Waiting && _waiting.Remove(group, out _, out _))
            {
                p.Due = now;
                Schedule(group, now);
            }
        }
    }));

    /// <summary>Registers a group found in the table at start. Call before the loop runs.</summary>
    internal void AdoptParked(ParkedGroupSummary summary)
    {
        var key = new GroupKey(summary.Key.TableOid, summary.Key.IsTruncate, summary.Key.GroupId);
        var group = new MessageGroup(key) { Parked = new ParkState(summary.Key, grouped: true) { Stored = summary.Count, Due = summary.NextAttemptAt } };
        _groups[key] = group;
        _parkedGroups[summary.Key] = group;
        Schedule(group, summary.NextAttemptAt);
    }

    /// <summary>How far off the next attempt of a rejected message is: never, until an operator asks (<c>sequin messages retry</c>).</summary>
    internal static readonly TimeSpan NotRetried = TimeSpan.FromDays(365 * 100);

    private bool CanPark => _owner.Parking is not null && _owner.Settings.ParkAfterFailures > 0;

    private bool ShouldPark(PendingMessage entry) => CanPark && entry.FailedAttempts >= _owner.Settings.ParkAfterFailures;

    private void StartParking(MessageGroup group, string error, DateTimeOffset due)
    {
        var head = group.Messages.Peek();
        var key = group.Key is { } k
            ? new ParkingKey(k.TableOid, k.IsTruncate, k.GroupId)
            : new ParkingKey(head.Message.Relation.Oid, head.Message.Action == ChangeAction.Truncate, "ungrouped:" + Guid.NewGuid().ToString("N"));
        group.Parked = new ParkState(key, grouped: group.Key is not null) { Due = due, LastError = error };
        _parkedGroups[key] = group;
        group.State = MessageGroupState.Busy;
        // Throttled apart from the failure warnings, so that parking shows even while the same error is being retried.
        if (_owner.FailureLog.ShouldLog("parking: " + error))
        {
            if (IsNotRetried(due, _owner.Time.GetUtcNow()))
            {
                ParkingLog.Rejected(_owner.Logger, _owner.Name, head.Message.Relation.QualifiedName, head.GroupId, group.Messages.Count, error);
            }
            else
            {
                ParkingLog.Parking(_owner.Logger, _owner.Name, head.Message.Relation.QualifiedName, head.GroupId, head.FailedAttempts, group.Messages.Count, error);
            }
        }

        FlushParking(group);
    }

    // Writes every in-memory message of a parked group to the table, in order; one write at a time per group.
    private void FlushParking(MessageGroup group)
    {
        var p = group.Parked!;
        if (p.Writing || group.Messages.Count == 0)
        {
            return;
        }

        var entries = group.Messages.ToArray();
        var writes = new ParkedWrite[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var e = entries[i];
            writes[i] = new ParkedWrite(p.Key, p.Grouped, e.Message, e.FailedAttempts, e.FailedAttempts > 0 ? p.LastError : null, p.Due);
        }

        p.Writing = true;
        RunStore(
            async ct =>
            {
                await _owner.Parking!.ParkAsync(_owner.Name, writes, ct).ConfigureAwait(false);
                return true;
            },
            _ =>
            {
                p.Writing = false;
                foreach (var e in entries)
                {
                    group.Messages.Dequeue();
                    _owner.OnParked(e);
                }

                p.Stored += entries.Length;
                if (!p.HeadActive && group.State == MessageGroupState.Busy)
                {
                    Schedule(group, p.Due);
                }

                FlushParking(group);
            },
            ex =>
            {
                p.Writing = false;
                LogStoreFailure("Parking messages", ex);
                if (p.Stored == 0 && !p.HeadActive)
                {
                    // Nothing of the group is in the table: it goes on being retried in memory and parks on its next failure.
                    _parkedGroups.Remove(p.Key);
                    group.Parked = null;
                    Schedule(group, p.Due);
                    return;
                }

                PostLater(_owner.Retry.GetDelay(1), () =>
                {
                    if (group.Parked == p)
                    {
                        FlushParking(group);
                    }
                });
            });
    }

    private void DispatchParked(MessageGroup group, DateTimeOffset now)
    {
        var p = group.Parked!;
        if (p.Stored == 0)
        {
            group.State = MessageGroupState.Busy;
            TryUnpark(group);
            return;
        }

        if (_parkedHeadsActive >= MaxParkedHeadsActive)
        {
            group.State = MessageGroupState.Ready;
            _parkedBacklog.Enqueue(group);
            return;
        }

        p.HeadActive = true;
        _parkedHeadsActive++;
        group.State = MessageGroupState.Busy;
        RunStore(
            ct => _owner.Parking!.LoadHeadAsync(_owner.Name, p.Key, ct),
            row => OnParkedHeadLoaded(group, row),
            ex =>
            {
                LogStoreFailure("Reading a parked message", ex);
                EndHead(group);
                Schedule(group, _owner.Time.GetUtcNow() + _owner.Retry.GetDelay(1));
            });
    }

    private void OnParkedHeadLoaded(MessageGroup group, ParkedRow? row)
    {
        var p = group.Parked!;
        var now = _owner.Time.GetUtcNow();
        if (row is null)
        {
            // Removed from the table from outside (sequin messages discard): nothing left to deliver. The ones this
            // partition still counted were discarded by the operator.
            if (p.Stored > 0)
            {
                _owner.OnRemovedFromParking(p.Stored);
            }

            p.Stored = 0;
            EndHead(group);
            group.State = MessageGroupState.Busy;
            TryUnpark(group);
            return;
        }

        var entry = new PendingMessage(row.Message, row.Grouped ? p.Key.GroupId : null, group.Key)
        {
            Group = group,
            ParkedId = row.Id,
            FailedAttempts = row.FailedAttempts,
        };
        EnrichParked(entry);
        var result = entry.EnrichmentError is { } enrichmentError ? ProcessResult.Failed(enrichmentError) : Process(entry);
        if (result.Kind == ProcessResultKind.Filtered)
        {
            SettleParked(entry, filtered: true, now);
            return;
        }

        if (result.Kind == ProcessResultKind.Failed || result.Message is null)
        {
            var error = result.Error ?? "The message processor returned no message.";
            var delay = FailParked(entry, error, DeliveryStatus.Retryable, retryAfter: null, now);
            if (delay is { } d && _owner.FailureLog.ShouldLog(error))
            {
                PipelineLog.ProcessingFailed(_owner.Logger, _owner.Name, entry.Message.Relation.QualifiedName, entry.GroupId, entry.FailedAttempts, error, d);
            }

            return;
        }

        entry.Routed = result.Message;
        AddToBatch(entry, now);
    }

    // A parked head was delivered or filtered: it leaves the table, and the group's next message is due at once.
    private void SettleParked(PendingMessage entry, bool filtered, DateTimeOffset now)
    {
        var group = entry.Group!;
        var p = group.Parked!;
        RunStore(
            ct => _owner.Parking!.DeleteAsync(entry.ParkedId!.Value, ct),
            _ =>
            {
                _owner.OnParkedSettled(filtered);
                p.Stored--;
                p.Due = now;
                EndHead(group);
                Next(group);
            },
            ex =>
            {
                // Delivered but still in the table: it is read and delivered again (at least once).
                LogStoreFailure("Removing a delivered parked message", ex);
                EndHead(group);
                Schedule(group, _owner.Time.GetUtcNow() + _owner.Retry.GetDelay(1));
            });
    }

    // A parked head failed again: its failure and next attempt time are recorded, or it is discarded after max_retry_count.
    private TimeSpan? FailParked(PendingMessage entry, string error, DeliveryStatus status, TimeSpan? retryAfter, DateTimeOffset now)
    {
        var group = entry.Group!;
        var p = group.Parked!;
        entry.FailedAttempts++;
        _owner.OnFailedAttempt(status != DeliveryStatus.Retryable);
        if (_owner.Settings.MaxRetryCount is { } max && entry.FailedAttempts >= max)
        {
            RunStore(
                async ct =>
                {
                    await _owner.Parking!.DiscardAsync(_owner.Name, entry.GroupId, entry.Message, entry.FailedAttempts, error, entry.ParkedId, ct).ConfigureAwait(false);
                    return true;
                },
                _ =>
                {
                    _owner.OnDiscarded(entry, error, settle: false);
                    p.Stored--;
                    p.Due = now;
                    EndHead(group);
                    Next(group);
                },
                ex =>
                {
                    LogStoreFailure("Recording a discarded message", ex);
                    EndHead(group);
                    Schedule(group, _owner.Time.GetUtcNow() + _owner.Retry.GetDelay(1));
                });
            return null;
        }

        var delay = status == DeliveryStatus.Rejected
            ? NotRetried
            : RetryDelay(retryAfter, _owner.Retry.GetDelay(entry.FailedAttempts));
        p.Due = now + delay;
        RunStore(
            async ct =>
            {
                await _owner.Parking!.RecordFailureAsync(entry.ParkedId!.Value, entry.FailedAttempts, error, p.Due, ct).ConfigureAwait(false);
                return true;
            },
            _ =>
            {
                EndHead(group);
                Schedule(group, p.Due);
            },
            ex =>
            {
                LogStoreFailure("Recording a failed attempt of a parked message", ex);
                EndHead(group);
                Schedule(group, p.Due);
            });
        return status == DeliveryStatus.Rejected ? null : delay;
    }

    // max_retry_count reached for a message still in memory: it is discarded once the record of it is written.
    private void DiscardDurably(PendingMessage entry, string error, DateTimeOffset now)
    {
        var group = entry.Group!;
        group.State = MessageGroupState.Busy;
        RunStore(
            async ct =>
            {
                await _owner.Parking!.DiscardAsync(_owner.Name, entry.GroupId, entry.Message, entry.FailedAttempts, error, parkedId: null, ct).ConfigureAwait(false);
                return true;
            },
            _ =>
            {
                group.Messages.Dequeue();
                _owner.OnDiscarded(entry, error, settle: true);
                Advance(group);
            },
            ex =>
            {
                LogStoreFailure("Recording a discarded message", ex);
                group.State = MessageGroupState.Waiting;
                _waiting.Enqueue(group, now + _owner.Retry.GetDelay(entry.FailedAttempts));
            });
    }

    private void Next(MessageGroup group)
    {
        var p = group.Parked!;
        if (p.Stored > 0)
        {
            Schedule(group, p.Due);
            return;
        }

        group.State = MessageGroupState.Busy;
        TryUnpark(group);
    }

    // A parked group with nothing in the table, no write and no head under way goes back to normal.
    private void TryUnpark(MessageGroup group)
    {
        var p = group.Parked!;
        if (p.Stored > 0 || p.Writing || p.HeadActive)
        {
            return;
        }

        if (group.Messages.Count > 0)
        {
            FlushParking(group);
            return;
        }

        _parkedGroups.Remove(p.Key);
        group.Parked = null;
        Retire(group);
    }

    private void EndHead(MessageGroup group)
    {
        group.Parked!.HeadActive = false;
        _parkedHeadsActive--;
        if (_parkedBacklog.TryDequeue(out var next))
        {
            _ready.Enqueue(next);
        }
    }

    private void Schedule(MessageGroup group, DateTimeOffset due)
    {
        group.State = MessageGroupState.Waiting;
        _waiting.Enqueue(group, due);
    }

    private void LogStoreFailure(string operation, Exception exception)
    {
        var error = $"{exception.GetType().Name}: {exception.Message}";
        if (_owner.FailureLog.ShouldLog(error))
        {
            ParkingLog.StoreFailed(_owner.Logger, _owner.Name, operation, error);
        }
    }

    // Runs a parking-store operation off the loop; its continuation runs on the loop. Counted as in flight, so a
    // graceful stop waits for it; a forced stop abandons it.
    private void RunStore<T>(Func<CancellationToken, Task<T>> operation, Action<T> onSuccess, Action<Exception> onFailure)
    {
        _inFlight++;
        var token = _owner.DeliveryToken;
        _ = Task.Run(
            async () =>
            {
                Action continuation;
                try
                {
                    var result = await operation(token).ConfigureAwait(false);
                    continuation = () =>
                    {
                        _inFlight--;
                        onSuccess(result);
                    };
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    continuation = () => _inFlight--;
                }
#pragma warning disable CA1031 // A store failure is logged and retried by the loop, never lost.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    continuation = () =>
                    {
                        _inFlight--;
                        onFailure(ex);
                    };
                }

                Post(new PartitionEvent(null, null, Stop: false, continuation));
            },
            CancellationToken.None);
    }

    private void PostLater(TimeSpan delay, Action action)
    {
        var token = _owner.DeliveryToken;
        _ = Task.Delay(delay, _owner.Time, token).ContinueWith(
            t =>
            {
                if (!t.IsCanceled)
                {
                    Post(new PartitionEvent(null, null, Stop: false, action));
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
