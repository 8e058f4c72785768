namespace Sequin.Hosting.AspNetCore.Api;

/// <summary>A configured database (<c>GET /api/databases</c>).</summary>
/// <param name="Name">The database's name in <c>sequin.yaml</c>.</param>
/// <param name="Status"><c>running</c> (every active sink runs), <c>starting</c>, or <c>idle</c> (no active sink).</param>
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
internal sealed record SinkView(string Name, string Type, string Database, string Status, SinkFigures? Figures, string? StatusReason = null);

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
