namespace Sequin.Hosting.AspNetCore.Api;

/// <summary>A configured database (<c>GET /api/databases</c>).</summary>
/// <param name="Name">The database's name in <c>sequin.yaml</c>.</param>
/// <param name="Slot">The replication slot.</param>
/// <param name="Publication">The publication.</param>
/// <param name="Sinks">The sinks reading from it.</param>
internal sealed record DatabaseView(string Name, string Slot, string Publication, IReadOnlyList<string> Sinks);

/// <summary>A configured sink (<c>GET /api/sinks</c>).</summary>
/// <param name="Name">The sink's name.</param>
/// <param name="Type">The sink type (<c>kafka</c>, <c>stdout</c>, ...).</param>
/// <param name="Database">The database it reads from.</param>
/// <param name="Status"><c>running</c>, <c>paused</c>, <c>starting</c> (not running yet), or the configured <c>disabled</c>/<c>paused</c>.</param>
/// <param name="Figures">Its counters since the start, or null when it is not running.</param>
internal sealed record SinkView(string Name, string Type, string Database, string Status, SinkFigures? Figures);

/// <summary>A running sink's counters since the process started.</summary>
/// <param name="Delivered">Messages delivered.</param>
/// <param name="DeliveredBatches">Batches delivered.</param>
/// <param name="FailedAttempts">Failed delivery attempts (each retried or parked).</param>
/// <param name="Discarded">Messages discarded (max retries, or discarded by hand).</param>
/// <param name="Filtered">Messages the filter dropped.</param>
/// <param name="Parked">Messages parked now (failing, waiting for their next retry in the parking table).</param>
/// <param name="Buffered">Messages held in memory (waiting, in flight or retrying).</param>
/// <param name="BufferedBytes">Their size in bytes.</param>
internal sealed record SinkFigures(long Delivered, long DeliveredBatches, long FailedAttempts, long Discarded, long Filtered, long Parked, int Buffered, long BufferedBytes);
