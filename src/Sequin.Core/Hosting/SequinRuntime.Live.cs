using Sequin.Configuration;
using Sequin.Pipeline;

namespace Sequin.Hosting;

/// <summary>
/// Live configuration changes (docs/reference/cli.md, <c>sequin config apply</c>): the sinks of each database being
/// read are compared with the new configuration, and only those added, changed or removed start, restart or stop. The
/// set of sinks a database's changes go to is replaced between two transactions (<see cref="Runtime.ChangeDispatcher.ReplaceConsumersAsync"/>),
/// so the other sinks never pause and every sink gets each transaction whole.
/// </summary>
/// <remarks>
/// <para>
/// A <b>changed</b> sink: from the swap on, its new consumer takes the changes (and holds them, not started yet) while the
/// old one delivers everything it held, for up to <see cref="SequinRuntimeOptions.DrainTimeout"/>. What it could not
/// deliver by then is handed over to the new consumer ahead of the newer changes, then the new one starts: per group the
/// order holds, nothing is skipped, and nothing the old one delivered is delivered again (except a batch cut off by the
/// timeout while the destination was taking it: at-least-once, as on any forced stop).
/// </para>
/// <para>
/// A paused sink is not waited for: what it holds is handed over at once, and the new consumer starts paused.
/// A <b>removed</b> sink delivers what it holds (same timeout; none when paused); what is left is released from the acknowledgement, so
/// the slot keeps advancing. An <b>added</b> sink starts with the next transaction, and its <c>initial_backfill</c> is
/// created at the backfill supervisor's next poll.
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The apply lock's SemaphoreSlim never creates a wait handle (only WaitAsync is used): nothing to dispose.")]
internal sealed partial class SequinRuntime
{
    private readonly SemaphoreSlim _applyLock = new(1, 1);
    private readonly Dictionary<string, LiveTerm> _live = new(StringComparer.Ordinal);

    /// <summary>The difference between the running configuration and <paramref name="next"/>, and whether it can be applied live.</summary>
    public ConfigPlan Plan(SequinConfig next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return ConfigPlan.Compute(Config, next, ReadDatabases());
    }

    /// <summary>
    /// Applies <paramref name="next"/> (validated) to the running host: sinks added start, sinks changed restart alone,
    /// sinks removed stop; the others keep delivering. Refused as a whole, the running configuration staying, when part
    /// of it needs a restart (<see cref="ConfigPlan.RestartNeeded"/>) or a new sink cannot be created. Returns once the
    /// changes are done (a changed or removed sink has delivered what it held, or its drain timed out).
    /// </summary>
    public async Task<ConfigApplyResult> ApplyAsync(SequinConfig next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        await _applyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var plan = Plan(next);
            if (!plan.CanApplyLive)
            {
                var reason = "a restart is needed: " + string.Join(" ", plan.RestartNeeded);
                LiveConfigLog.Refused(_logger, reason);
                return new ConfigApplyResult(plan, false, reason);
            }

            if (!plan.HasChanges)
            {
                return new ConfigApplyResult(plan, true, null);
            }

            List<LiveTerm> terms;
            lock (_live)
            {
                terms = [.. _live.Values];
            }

            // First every new sink is created (the step that can fail: a client that cannot be built), so that a failure
            // leaves every database as it was.
            var prepared = new List<(LiveTerm Term, Reconciliation Changes)>();
            try
            {
                foreach (var term in terms)
                {
                    prepared.Add((term, Prepare(term, next)));
                }
            }
            catch (InvalidOperationException e)
            {
                foreach (var (term, changes) in prepared)
                {
                    await DiscardAsync(term, changes).ConfigureAwait(false);
                }

                LiveConfigLog.Refused(_logger, e.Message);
                return new ConfigApplyResult(plan, false, e.Message);
            }

            Volatile.Write(ref _config, next);
            foreach (var (term, changes) in prepared)
            {
                await CommitAsync(term, changes, cancellationToken).ConfigureAwait(false);
            }

            var sinks = plan.SinkChanges.ToList();
            LiveConfigLog.Applied(_logger, sinks.Count(c => c.Action == ConfigChangeAction.Add), sinks.Count(c => c.Action == ConfigChangeAction.Change), sinks.Count(c => c.Action == ConfigChangeAction.Remove));
            return new ConfigApplyResult(plan, true, null);
        }
        finally
        {
            _applyLock.Release();
        }
    }

    private HashSet<string>? ReadDatabases()
    {
        lock (_readDatabases)
        {
            return _readDatabases.Count == 0 ? null : [.. _readDatabases];
        }
    }

    /// <summary>Called by a term once its sinks run: live changes apply to it from now on, and one applied while it started (after it read the configuration) applies now.</summary>
    private async Task RegisterLiveAsync(Term term, RunningDatabase database, SequinConfig started, CancellationToken cancellationToken)
    {
        var live = new LiveTerm(term, database);
        foreach (var sink in term.SinksNow())
        {
            live.Current[sink.Config.Name] = sink;
        }

        await _applyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_live)
            {
                _live[term.Database.Name] = live;
            }

            if (!ReferenceEquals(Config, started))
            {
                await CommitAsync(live, Prepare(live, Config), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _applyLock.Release();
        }
    }

    /// <summary>Called when a term stops: waits for a change being applied to it (which stops with the term), then takes it out of the live terms.</summary>
    private async Task UnregisterLiveAsync(Term term)
    {
        await term.Stop.CancelAsync().ConfigureAwait(false);
        await _applyLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            lock (_live)
            {
                if (_live.TryGetValue(term.Database.Name, out var live) && ReferenceEquals(live.Term, term))
                {
                    _live.Remove(term.Database.Name);
                }
            }
        }
        finally
        {
            _applyLock.Release();
        }
    }

    /// <summary>Compares a term's running sinks with <paramref name="next"/> and creates (not starts) the consumers of the sinks added or changed.</summary>
    private Reconciliation Prepare(LiveTerm live, SequinConfig next)
    {
        var desired = ActiveSinks(next, live.Term.Database.Name);
        var changes = new Reconciliation(next);
        changes.Removed.AddRange(live.Current.Values.Where(r => !desired.Any(d => string.Equals(d.Name, r.Config.Name, StringComparison.Ordinal))));
        try
        {
            foreach (var sink in desired)
            {
                if (!live.Current.TryGetValue(sink.Name, out var running))
                {
                    changes.Added.Add(CreateSink(sink, next, live.Term, register: false));
                }
                else if (ConfigPlan.SinkChangedKeys(running.Config, running.Root, sink, next).Count > 0)
                {
                    changes.Changed.Add((running, CreateSink(sink, next, live.Term, register: false)));
                }
            }
        }
        catch (InvalidOperationException)
        {
            DiscardAsync(live, changes).AsTask().GetAwaiter().GetResult();
            throw;
        }

        return changes;
    }

    /// <summary>Releases the consumers <see cref="Prepare"/> created, when the change is refused.</summary>
    private static async ValueTask DiscardAsync(LiveTerm live, Reconciliation changes)
    {
        foreach (var sink in changes.Added.Concat(changes.Changed.Select(c => c.Next)))
        {
            await sink.Consumer.DisposeAsync().ConfigureAwait(false);
            await sink.Pipeline.DisposeAsync().ConfigureAwait(false);
            await sink.Client.DisposeAsync().ConfigureAwait(false);
        }

        _ = live;
    }

    /// <summary>Swaps the consumers of the term's database, starts the added ones, and restarts or stops the others (in parallel).</summary>
    private async Task CommitAsync(LiveTerm live, Reconciliation changes, CancellationToken cancellationToken)
    {
        if (changes.IsEmpty)
        {
            return;
        }

        var term = live.Term;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, term.Stop.Token);
        var token = linked.Token;
        foreach (var sink in changes.Added.Concat(changes.Changed.Select(c => c.Next)))
        {
            // From now on the term releases them if it ends.
            term.Add(sink);
        }

        var replaced = changes.Changed.ToDictionary(c => c.Old.Consumer, c => c.Next.Consumer);
        var removed = changes.Removed.Select(r => r.Consumer).ToHashSet();
        var consumers = live.Database.Consumers.Consumers
            .Where(c => !removed.Contains(c))
            .Select(c => replaced.GetValueOrDefault(c, c))
            .Concat(changes.Added.Select(a => a.Consumer))
            .ToList();
        try
        {
            await live.Database.Consumers.ReplaceConsumersAsync(consumers, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (term.Stop.IsCancellationRequested)
        {
            return; // the term stopped: it releases every sink; the next term runs the new configuration
        }

        lock (_consumers)
        {
            foreach (var (old, next) in replaced)
            {
                var index = _consumers.IndexOf(old);
                if (index >= 0)
                {
                    _consumers[index] = next;
                }
            }

            _consumers.AddRange(changes.Added.Select(a => a.Consumer));
        }

        foreach (var (old, next) in changes.Changed)
        {
            live.Current[next.Config.Name] = next;
        }

        foreach (var sink in changes.Added)
        {
            live.Current[sink.Config.Name] = sink;
        }

        foreach (var sink in changes.Removed)
        {
            live.Current.Remove(sink.Config.Name);
        }

        try
        {
            foreach (var sink in changes.Added)
            {
                await sink.Consumer.StartAsync(token).ConfigureAwait(false);
                term.Watch(WatchAsync(sink.Consumer, term));
                live.Database.Backfills.Attach(sink.Consumer, sink.Config.InitialBackfill);
                LiveConfigLog.SinkAdded(_logger, sink.Config.Name);
            }

            await Task.WhenAll(
                changes.Changed.Select(c => RestartAsync(live, c.Old, c.Next, token))
                    .Concat(changes.Removed.Select(r => RemoveAsync(live, r, token)))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (term.Stop.IsCancellationRequested)
        {
            // The term stopped meanwhile: it stops and releases every sink (the unacknowledged changes are read again).
        }
    }

    /// <summary>A changed sink: the old consumer delivers what it holds, hands over the rest, and the new one starts.</summary>
    private async Task RestartAsync(LiveTerm live, RunningSink old, RunningSink next, CancellationToken cancellationToken)
    {
        var (drained, held) = await StopAndTakeHeldAsync(live, old, cancellationToken).ConfigureAwait(false);

        // Registered with their transactions by the new consumer before the old one lets go of them.
        next.Consumer.Adopt(held.Select(h => h.Message));
        old.Consumer.Release(held);

        // A sink paused over the API stays paused across its restart.
        if (old.Consumer.IsPaused)
        {
            next.Consumer.Pause();
        }

        await ReleaseSinkAsync(live, old).ConfigureAwait(false);
        await next.Consumer.StartAsync(cancellationToken).ConfigureAwait(false);
        live.Term.Watch(WatchAsync(next.Consumer, live.Term));
        live.Database.Backfills.Attach(next.Consumer, next.Config.InitialBackfill);
        LiveConfigLog.SinkRestarted(_logger, next.Config.Name, drained, held.Count);
    }

    /// <summary>A removed sink: delivers what it holds, then what is left is released from the acknowledgement.</summary>
    private async Task RemoveAsync(LiveTerm live, RunningSink sink, CancellationToken cancellationToken)
    {
        var (drained, held) = await StopAndTakeHeldAsync(live, sink, cancellationToken).ConfigureAwait(false);
        sink.Consumer.Release(held);
        await ReleaseSinkAsync(live, sink).ConfigureAwait(false);
        lock (_consumers)
        {
            _consumers.Remove(sink.Consumer);
        }

        LiveConfigLog.SinkRemoved(_logger, sink.Config.Name, drained, held.Count);
    }

    /// <summary>
    /// Stops the backfills of a sink taken out of its dispatcher, lets it deliver what it holds (up to the drain timeout),
    /// stops it (at once when the drain timed out), and returns what it still holds.
    /// </summary>
    private async Task<(bool Drained, IReadOnlyList<PendingMessage> Held)> StopAndTakeHeldAsync(LiveTerm live, RunningSink sink, CancellationToken cancellationToken)
    {
        await live.Database.Backfills.DetachAsync(sink.Config.Name).ConfigureAwait(false);

        // A paused sink delivers nothing: it is not waited for, what it holds is handed over (or released) at once.
        var drained = false;
        if (!sink.Consumer.IsPaused)
        {
            using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            drain.CancelAfter(_options.DrainTimeout);
            drained = await sink.Consumer.DrainAsync(drain.Token).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        using (var stop = new CancellationTokenSource())
        {
            if (!drained)
            {
                await stop.CancelAsync().ConfigureAwait(false);
            }

            await sink.Consumer.StopAsync(stop.Token).ConfigureAwait(false);
        }

        return (drained, sink.Consumer.TakeHeld());
    }

    private static async Task ReleaseSinkAsync(LiveTerm live, RunningSink sink)
    {
        await sink.Consumer.DisposeAsync().ConfigureAwait(false);
        await sink.Pipeline.DisposeAsync().ConfigureAwait(false);
        await sink.Client.DisposeAsync().ConfigureAwait(false);
        live.Term.Remove(sink);
    }

    /// <summary>A term whose sinks live changes apply to: its running sinks by name (changed only under the apply lock).</summary>
    private sealed class LiveTerm(Term term, RunningDatabase database)
    {
        public Term Term { get; } = term;

        public RunningDatabase Database { get; } = database;

        public Dictionary<string, RunningSink> Current { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>What one term must do for a new configuration.</summary>
    private sealed class Reconciliation(SequinConfig config)
    {
        public SequinConfig Config { get; } = config;

        public List<RunningSink> Added { get; } = [];

        public List<(RunningSink Old, RunningSink Next)> Changed { get; } = [];

        public List<RunningSink> Removed { get; } = [];

        public bool IsEmpty => Added.Count == 0 && Changed.Count == 0 && Removed.Count == 0;
    }
}
