using Sequin.Messages;
using Sequin.Runtime;

namespace Sequin.Backfills;

/// <summary>
/// Sits between the replication source and a database's <see cref="ChangeDispatcher"/> and applies the watermark
/// protocol: each decoded change first supersedes the same row in every open backfill page of its table, then goes on
/// to the sinks; each backfill watermark has its page's remaining rows emitted as <c>read</c> messages right there, in
/// WAL order. So a row's read is queued before every change decoded after the watermark and after none decoded before
/// it: per row, a read never overtakes a newer change.
/// </summary>
internal sealed class BackfillCoordinator : IChangeHandler
{
    private readonly IChangeHandler _inner;
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, BackfillPage> _pages = [];
    private volatile BackfillPage[] _open = [];

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public BackfillCoordinator(IChangeHandler inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <summary>The pages open now (opened, watermark not yet arrived).</summary>
    public int OpenPages => _open.Length;

    /// <summary>Opens <paramref name="page"/>: from now on, changes of its table supersede its rows. Call before reading them.</summary>
    public void Open(BackfillPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        lock (_lock)
        {
            _pages.Add(page.BatchId, page);
            _open = [.. _pages.Values];
        }
    }

    /// <summary>
    /// Forgets <paramref name="page"/> (an empty last page, a failed read, a cancelled backfill): its watermark, if any,
    /// is ignored, also one already waiting for the page's rows.
    /// </summary>
    public void Close(BackfillPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        lock (_lock)
        {
            if (_pages.Remove(page.BatchId))
            {
                _open = [.. _pages.Values];
            }
        }

        page.Abandon();
    }

    /// <inheritdoc />
    public void BeginTransaction(TransactionInfo transaction) => _inner.BeginTransaction(transaction);

    /// <inheritdoc />
    public ValueTask HandleAsync(ChangeMessage message, CancellationToken cancellationToken)
    {
        var open = _open;
        if (open.Length > 0)
        {
            var oid = message.Relation.Oid;
            foreach (var page in open)
            {
                if (page.TableOid == oid)
                {
                    page.OnChange(message);
                }
            }
        }

        return _inner.HandleAsync(message, cancellationToken);
    }

    /// <inheritdoc />
    public void CommitTransaction(TransactionInfo transaction, ulong endLsn) => _inner.CommitTransaction(transaction, endLsn);

    /// <inheritdoc />
    public async ValueTask HandleWatermarkAsync(string content, ulong lsn, CancellationToken cancellationToken)
    {
        if (!BackfillWatermark.TryParse(content, out var batchId))
        {
            return;
        }

        BackfillPage? page;
        lock (_lock)
        {
            // A watermark read again after a reconnect, or of a page from before a restart, names no open page.
            if (!_pages.Remove(batchId, out page))
            {
                return;
            }

            _open = [.. _pages.Values];
        }

        try
        {
            // The watermark commits right after the page's query, so the runner may still be parsing the rows. The stream
            // waits here: the reads are still queued before every change decoded after the watermark.
            if (!await page.Read.WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                return; // given up before its rows were read (the read failed or the backfill stopped)
            }

            await page.Emit(page, page.TakeRemaining(), lsn, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            page.OnFailed(e);
            throw;
        }

        await _inner.HandleWatermarkAsync(content, lsn, cancellationToken).ConfigureAwait(false);
    }
}
