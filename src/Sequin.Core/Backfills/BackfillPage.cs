using Sequin.Messages;

namespace Sequin.Backfills;

/// <summary>
/// One page of a backfill between the moment it is opened (before its rows are read) and the arrival of its watermark.
/// Every change of its table decoded meanwhile supersedes the row with the same primary key: before the rows are known
/// its key is remembered, afterwards the row is dropped. At the watermark the rows left are taken, once.
/// </summary>
/// <remarks>Called from the replication reader (changes, watermark) and the backfill runner (rows): all members lock.</remarks>
internal sealed class BackfillPage
{
    private readonly Lock _lock = new();
    private readonly BackfillTable _table;
    private readonly TaskCompletionSource<int> _delivered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _read = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HashSet<string>? _superseded = new(StringComparer.Ordinal);
    private Dictionary<string, int>? _index;
    private RowImage?[]? _rows;
    private bool _truncated;
    private bool _taken;

    /// <summary>Opens a page of <paramref name="table"/>.</summary>
    public BackfillPage(BackfillTable table, Guid batchId, Func<BackfillPage, IReadOnlyList<RowImage>, ulong, CancellationToken, ValueTask> emit)
    {
        _table = table;
        BatchId = batchId;
        Emit = emit;
    }

    /// <summary>The page id, carried by its watermark.</summary>
    public Guid BatchId { get; }

    /// <summary>The page's table.</summary>
    public BackfillTable Table => _table;

    /// <summary>The OID of the page's table.</summary>
    public uint TableOid => _table.Relation.Oid;

    /// <summary>Emits the rows left at the watermark (its LSN given) as read messages; set by the runner.</summary>
    public Func<BackfillPage, IReadOnlyList<RowImage>, ulong, CancellationToken, ValueTask> Emit { get; }

    /// <summary>Completes with the number of read messages once every one emitted for this page is settled.</summary>
    public Task<int> Delivered => _delivered.Task;

    /// <summary>
    /// Completes when the page's rows are set (true) or the page is given up before that (false). The watermark is
    /// written in the same round trip as the page's query, so it can come through the WAL while the rows are still
    /// being parsed: the coordinator waits on this before taking them.
    /// </summary>
    public Task<bool> Read => _read.Task;

    /// <summary>Rows dropped because a change superseded them.</summary>
    public int Superseded { get; private set; }

    /// <summary>A change of this page's table was decoded: its row (and old key, when sent) is superseded.</summary>
    public void OnChange(ChangeMessage change)
    {
        if (change.Action == ChangeAction.Truncate)
        {
            lock (_lock)
            {
                _truncated = true;
                if (_rows is not null)
                {
                    Superseded += _rows.Count(r => r is not null);
                    Array.Clear(_rows);
                }
            }

            return;
        }

        Supersede(_table.KeyOf(change.Record));
        if (change.OldRecord is { } old)
        {
            Supersede(_table.KeyOf(old));
        }
    }

    /// <summary>The page's rows were read: those already superseded are dropped.</summary>
    public void SetRows(IReadOnlyList<RowImage> rows)
    {
        lock (_lock)
        {
            var superseded = _superseded ?? [];
            _index = new Dictionary<string, int>(rows.Count, StringComparer.Ordinal);
            _rows = new RowImage?[rows.Count];
            for (var i = 0; i < rows.Count; i++)
            {
                var key = _table.KeyOf(rows[i]) ?? throw new InvalidOperationException($"A row of {_table.Relation.QualifiedName} has a NULL primary key column.");
                if (_truncated || superseded.Contains(key))
                {
                    Superseded++;
                    continue;
                }

                _index[key] = i;
                _rows[i] = rows[i];
            }

            _superseded = null;
        }

        _read.TrySetResult(true);
    }

    /// <summary>The page is given up (closed before or without its rows): a watermark waiting on <see cref="Read"/> is ignored.</summary>
    public void Abandon() => _read.TrySetResult(false);

    /// <summary>Takes the rows left, in read order; later changes no longer affect the page.</summary>
    /// <exception cref="InvalidOperationException">Taken twice, or before the rows were set.</exception>
    public List<RowImage> TakeRemaining()
    {
        lock (_lock)
        {
            if (_taken || _rows is null)
            {
                throw new InvalidOperationException($"Backfill page {BatchId} was taken twice or before it was read.");
            }

            _taken = true;
            var left = new List<RowImage>(_rows.Length - Superseded);
            foreach (var row in _rows)
            {
                if (row is not null)
                {
                    left.Add(row);
                }
            }

            _rows = null;
            _index = null;
            return left;
        }
    }

    /// <summary>Every read message of the page is settled.</summary>
    public void OnDelivered(int count) => _delivered.TrySetResult(count);

    /// <summary>The page's emission failed (the consumer stopped, ...): waiters see the failure.</summary>
    public void OnFailed(Exception error) => _delivered.TrySetException(error);

    private void Supersede(string? key)
    {
        if (key is null)
        {
            return;
        }

        lock (_lock)
        {
            if (_taken)
            {
                return;
            }

            if (_superseded is not null)
            {
                _superseded.Add(key);
            }
            else if (_index is not null && _index.Remove(key, out var i))
            {
                _rows![i] = null;
                Superseded++;
            }
        }
    }
}
