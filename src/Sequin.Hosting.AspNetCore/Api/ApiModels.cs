namespace Sequin.Hosting.AspNetCore.Api;

/// <summary>A configured database (<c>GET /api/databases</c>).</summary>
/// <param name="Name">The database's name in <c>sequin.yaml</c>.</param>
/// <param name="Status"><c>running</c> (every active sink runs), <c>paused</c> (every active sink is paused by an operator), <c>starting</c>, <c>standby</c>, or <c>idle</c> (no active sink).</param>
/// <param name="Slot">The replication slot's name.</param>
/// <param name="Publication">The publication.</param>
/// <param name="Sinks">The sinks reading from it.</param>
/// <param name="Replication">The slot as the server reports it, or null when the server could not be asked.</param>
/// <param name="Error">Why the server could not be asked, or null.</param>
internal sealed record DatabaseView(string Name, string Status, string Slot, string Publication, IReadOnlyList<string> Sinks, SlotFigures? Replication, string? Error);

/// <summary>A replication slot's state on the server.</summary>
/// <param name="Exists">Whether the slot exists.</param>
/// <param name="Active">Whether a connection (this host) is streaming from it.</param>
/// <param name="ConfirmedFlushLsn">The position acknowledged so far, or null.</param>
/// <param name="LagBytes">WAL bytes between the server's current position and the acknowledged one, or null.</param>
internal sealed record SlotFigures(bool Exists, bool Active, string? ConfirmedFlushLsn, long? LagBytes);

/// <summary>A configured sink (<c>GET /api/sinks</c>).</summary>
/// <param name="Name">The sink's name.</param>
/// <param name="Type">The sink type (<c>kafka</c>, <c>stdout</c>, ...).</param>
/// <param name="Database">The database it reads from.</param>
/// <param name="Status">
/// <c>running</c>, <c>degraded</c> (running, but messages are parked or deliveries are failing and retried: see
/// <paramref name="StatusReason"/>), <c>paused</c>, <c>starting</c> (not running yet), or the configured <c>disabled</c>.
/// </param>
/// <param name="Figures">Its counters since the start, or null when it is not running.</param>
/// <param name="StatusReason">Why the status is <c>degraded</c>, e.g. <c>3 parked message(s) in sequin_state.parked_messages</c>; null otherwise.</param>
/// <param name="Health">Its health: <c>healthy</c>, <c>warning</c>, <c>error</c> or <c>paused</c>, with the reason (docs/reference/http-api.md, "Sink health").</param>
/// <param name="Lag">Its database's lag in seconds and bytes, humanised in <c>text</c>; null while the database is not replicating on this host.</param>
internal sealed record SinkView(string Name, string Type, string Database, string Status, SinkFigures? Figures, string? StatusReason = null, Health.SinkHealth? Health = null, Health.LagView? Lag = null);

/// <summary>A running sink's counters since the process started.</summary>
/// <param name="Delivered">Messages delivered.</param>
/// <param name="DeliveredBatches">Batches delivered.</param>
/// <param name="FailedAttempts">Failed delivery attempts (each retried or parked).</param>
/// <param name="Discarded">Messages discarded (max retries, or discarded by hand).</param>
/// <param name="Filtered">Messages the filter dropped.</param>
/// <param name="Parked">Messages parked now (failing, waiting for their next retry in the parking table), those parked before the start included.</param>
/// <param name="Buffered">Messages held in memory (waiting, in flight or retrying).</param>
/// <param name="BufferedBytes">Their size in bytes.</param>
internal sealed record SinkFigures(long Delivered, long DeliveredBatches, long FailedAttempts, long Discarded, long Filtered, long Parked, int Buffered, long BufferedBytes);

/// <summary>One sink in detail (<c>GET /api/sinks/{name}</c>).</summary>
/// <param name="Sink">Its status and figures.</param>
/// <param name="Configuration">Its configuration as <c>sequin config export</c> writes it (YAML, secrets masked).</param>
/// <param name="RecentErrors">Its last distinct delivery errors, oldest first.</param>
internal sealed record SinkDetail(SinkView Sink, string Configuration, IReadOnlyList<ErrorView> RecentErrors);

/// <summary>A distinct delivery error.</summary>
/// <param name="Error">The error text.</param>
/// <param name="Count">Failures with this error since the start.</param>
/// <param name="FirstAt">First seen.</param>
/// <param name="LastAt">Last seen.</param>
internal sealed record ErrorView(string Error, int Count, DateTimeOffset FirstAt, DateTimeOffset LastAt);

/// <summary>The outcome of <c>POST /api/sinks/{name}/test-connection</c>.</summary>
/// <param name="Success">Whether the destination answered as expected.</param>
/// <param name="Checked">What was checked: the connection (static routing) or the credentials (dynamic routing).</param>
/// <param name="Message">The sink's explanation.</param>
internal sealed record ConnectionTestView(bool Success, string Checked, string Message);

/// <summary>A failing (parked) message (<c>GET /api/sinks/{name}/messages</c>); no row values.</summary>
/// <param name="Id">Its id, for retry and discard.</param>
/// <param name="Table">The source table, <c>schema.table</c>.</param>
/// <param name="Action">insert, update, delete, read or truncate.</param>
/// <param name="GroupId">Its group, or null.</param>
/// <param name="CommitLsn">The commit LSN of its transaction.</param>
/// <param name="CommitIdx">Its position in the transaction.</param>
/// <param name="FailedAttempts">Failed attempts so far.</param>
/// <param name="Error">The last error.</param>
/// <param name="NextRetryAt">When it is tried next.</param>
internal sealed record FailingMessageView(long Id, string Table, string Action, string? GroupId, string CommitLsn, int CommitIdx, int FailedAttempts, string? Error, DateTimeOffset NextRetryAt);

/// <summary>The outcome of a retry or discard of one message.</summary>
/// <param name="Id">The message id.</param>
/// <param name="Changed">How many messages changed (1).</param>
internal sealed record MessageChangeView(long Id, int Changed);

/// <summary>The outcome of a retry or discard of all of a sink's parked messages, or of one table's.</summary>
/// <param name="Table">The table the change was limited to, or null for all.</param>
/// <param name="Changed">How many messages were retried or discarded.</param>
internal sealed record BulkChangeView(string? Table, int Changed);

/// <summary>One parked message with its row values (<c>GET /api/sinks/{name}/messages/{id}</c>), as the sink would receive them.</summary>
/// <param name="Message">Its list entry (table, action, error, attempts).</param>
/// <param name="Record">The row: column name to value, as in the default message (docs/reference/messages.md).</param>
/// <param name="Changes">For an update, the old values of the changed columns when PostgreSQL sent them; null otherwise.</param>
internal sealed record ParkedMessageView(FailingMessageView Message, System.Text.Json.JsonElement Record, System.Text.Json.JsonElement? Changes)
{
    public static ParkedMessageView Of(Sequin.Parking.ParkedMessageInfo info, Sequin.Messages.ChangeMessage message, Sequin.Messages.TimestampFormat format)
    {
        var view = new FailingMessageView(
            info.Id, info.Table, info.Action, info.GroupId, new NpgsqlTypes.NpgsqlLogSequenceNumber(info.CommitLsn).ToString(), info.CommitIdx, info.FailedAttempts, info.Error, info.At);
        var record = Element(w => Sequin.Messages.ChangeMessageJsonWriter.WriteRecord(w, message, format));
        var changes = Element(w => Sequin.Messages.ChangeMessageJsonWriter.WriteChanges(w, message, format));
        return new(view, record, changes.ValueKind == System.Text.Json.JsonValueKind.Null ? null : changes);
    }

    private static System.Text.Json.JsonElement Element(Action<System.Text.Json.Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, Sequin.Messages.ChangeMessageJsonWriter.WriterOptions))
        {
            write(writer);
        }

        using var document = System.Text.Json.JsonDocument.Parse(buffer.WrittenMemory, Sequin.Messages.ChangeMessageJsonWriter.DocumentOptions);
        return document.RootElement.Clone();
    }
}

/// <summary>The body of <c>POST /api/sinks/{name}/backfills</c>.</summary>
/// <param name="Table">The table, <c>schema.table</c> or a bare name (schema <c>public</c>).</param>
/// <param name="SortColumn">For a backfill from a sort value: the sort column; null for a full backfill.</param>
/// <param name="StartPosition">For a backfill from a sort value: the first value, as PostgreSQL text (e.g. <c>2025-01-01T00:00:00Z</c>).</param>
internal sealed record BackfillStartRequest(string Table, string? SortColumn = null, string? StartPosition = null);

/// <summary>A backfill of a sink (<c>GET /api/sinks/{name}/backfills</c>).</summary>
/// <param name="Id">Its id.</param>
/// <param name="Table">The table, <c>schema.table</c>.</param>
/// <param name="Kind"><c>full</c> or <c>partial</c> (from a sort value).</param>
/// <param name="SortColumn">The sort column of a partial backfill, or null.</param>
/// <param name="StartPosition">The first sort value of a partial backfill, or null.</param>
/// <param name="Status"><c>active</c>, <c>completed</c>, <c>cancelled</c> or <c>failed</c>.</param>
/// <param name="RowsRead">Rows read in delivered pages.</param>
/// <param name="RowsDelivered">Read messages delivered.</param>
/// <param name="RowsEstimated">The table's estimated row count when it started, or null.</param>
/// <param name="Percent">Progress, 0 to 100: 100 once completed; from delivered over estimated rows while active; null when unknown.</param>
/// <param name="Error">Why it failed, or null.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When its progress was last saved.</param>
internal sealed record BackfillView(
    Guid Id, string Table, string Kind, string? SortColumn, string? StartPosition, string Status, long RowsRead, long RowsDelivered, long? RowsEstimated, double? Percent, string? Error, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static BackfillView Of(Sequin.Backfills.BackfillRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        double? percent = record.Status == Sequin.Backfills.BackfillStatus.Completed ? 100
            : record.RowsEstimated is > 0 ? Math.Min(99.9, Math.Round(100.0 * record.RowsDelivered / record.RowsEstimated.Value, 1))
            : null;
        return new(
            record.Id,
            record.Request.QualifiedTable,
            record.Request.Kind.ToString().ToLowerInvariant(),
            record.Request.SortColumn,
            record.Request.StartPosition,
            record.Status.ToString().ToLowerInvariant(),
            record.RowsRead,
            record.RowsDelivered,
            record.RowsEstimated,
            percent,
            record.Error,
            record.CreatedAt,
            record.UpdatedAt);
    }
}
