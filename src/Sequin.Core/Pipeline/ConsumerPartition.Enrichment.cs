using Sequin.Functions;

namespace Sequin.Pipeline;

/// <summary>The enrichment step of a partition: one query per dispatch round, before any function sees the messages.</summary>
internal sealed partial class ConsumerPartition
{
    private readonly List<PendingMessage> _toEnrich = [];
    private readonly List<IReadOnlyList<KeyValuePair<string, string?>>> _enrichKeys = [];
    private CancellationToken _cancellation;

    /// <summary>
    /// Runs the sink's enrichment function once for the heads of all ready groups that still need it, and gives each its
    /// <c>metadata.enrichment</c> (null without a row). A failure (SQL error, timeout) is kept on every one of them as
    /// <see cref="PendingMessage.EnrichmentError"/>, so that <see cref="Dispatch"/> fails them retryably like a function error.
    /// </summary>
    private void EnrichReady()
    {
        if (_owner.Enrichment is not { } query || _ready.Count == 0)
        {
            return;
        }

        _toEnrich.Clear();
        _enrichKeys.Clear();
        foreach (var group in _ready)
        {
            if (group.Parked is null && group.Messages.TryPeek(out var head) && head.Routed is null && !head.Enriched)
            {
                Collect(head);
            }
        }

        RunEnrichment(query);
    }

    /// <summary>Enriches one message read back from the parked-messages table (one query for it alone; parking is the exception).</summary>
    private void EnrichParked(PendingMessage entry)
    {
        if (_owner.Enrichment is not { } query)
        {
            return;
        }

        _toEnrich.Clear();
        _enrichKeys.Clear();
        Collect(entry);
        RunEnrichment(query);
    }

    private void Collect(PendingMessage head)
    {
        head.Enriched = true;
        head.Enrichment = null;
        head.EnrichmentError = null;
        var relation = head.Message.Relation;
        if (relation.KeyColumnIndexes.Count == 0 || head.Message.Action == Messages.ChangeAction.Truncate)
        {
            return; // Nothing to match a row by: enrichment stays null.
        }

        var key = new KeyValuePair<string, string?>[relation.KeyColumnIndexes.Count];
        for (var i = 0; i < key.Length; i++)
        {
            var column = relation.KeyColumnIndexes[i];
            key[i] = new(relation.Columns[column].Name, head.Message.Record[column].Text);
        }

        _toEnrich.Add(head);
        _enrichKeys.Add(key);
    }

    private void RunEnrichment(EnrichmentQuery query)
    {
        if (_toEnrich.Count == 0)
        {
            return;
        }

        try
        {
            // The partition's own thread waits for the query, as it runs JavaScript functions: one round at a time.
            var found = query.RunAsync(_enrichKeys, _cancellation).GetAwaiter().GetResult();
            for (var i = 0; i < _toEnrich.Count; i++)
            {
                _toEnrich[i].Enrichment = found.GetValueOrDefault(EnrichmentQuery.KeyOf(_enrichKeys[i]));
            }
        }
        catch (FunctionException e)
        {
            Fail(e.Error.Message);
        }
#pragma warning disable CA1031 // Whatever the driver throws fails these messages (retried), never the partition.
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
#pragma warning restore CA1031
        {
            Fail($"Enrichment function '{query.Name}' failed: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            _toEnrich.Clear();
            _enrichKeys.Clear();
        }

        void Fail(string error)
        {
            foreach (var entry in _toEnrich)
            {
                entry.EnrichmentError = error;
            }
        }
    }
}
