using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Sequin.Backfills;

namespace Sequin.Hosting.AspNetCore.Api;

/// <summary>
/// The handlers of <c>/api/sinks/{name}/backfills</c>: list, start (full, or from a sort column value) and cancel a
/// sink's backfills through the same <see cref="BackfillStore"/> as <c>sequin backfill start|status|cancel</c>; the
/// running host's backfill supervisor picks a new one up, and notices a cancel, within its poll interval (2 s).
/// </summary>
internal static class BackfillHandlers
{
    public static Task<Results<Ok<IReadOnlyList<BackfillView>>, ProblemHttpResult>> ListAsync(string name, SequinServices sequin, CancellationToken cancellationToken) =>
        WithStoreAsync<IReadOnlyList<BackfillView>>(name, sequin, async store =>
        {
            try
            {
                return [.. (await store.ListAsync([name], activeOnly: false, cancellationToken).ConfigureAwait(false)).Select(BackfillView.Of)];
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
            {
                return []; // no backfill was ever started on this database
            }
        });

    public static async Task<Results<Ok<BackfillView>, ProblemHttpResult>> StartAsync(string name, BackfillStartRequest body, SequinServices sequin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrWhiteSpace(body.Table))
        {
            return BadRequest("table is required: schema.table, or a bare name for schema public.");
        }

        var sortColumn = string.IsNullOrWhiteSpace(body.SortColumn) ? null : body.SortColumn.Trim();
        var startPosition = string.IsNullOrEmpty(body.StartPosition) ? null : body.StartPosition;
        if ((sortColumn is null) != (startPosition is null))
        {
            return BadRequest("A backfill from a sort value needs both sortColumn and startPosition; a full backfill takes neither.");
        }

        var request = new BackfillRequest(body.Table.Trim(), sortColumn is null ? BackfillKind.Full : BackfillKind.Partial, sortColumn, startPosition);
        if (SinkHandlers.Find(sequin, name) is { Status: not Configuration.SinkStatus.Active } sink)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Sink not active", detail: $"Sink '{name}' is {sink.Status.ToString().ToLowerInvariant()} in sequin.yaml: a backfill would never run.");
        }

        try
        {
            return await WithStoreAsync(name, sequin, async store => BackfillView.Of(await store.CreateAsync(name, request, cancellationToken).ConfigureAwait(false))).ConfigureAwait(false);
        }
        catch (InvalidOperationException e) when (e.InnerException is PostgresException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Backfill already active", detail: e.Message);
        }
    }

    public static async Task<Results<Ok<BackfillView>, ProblemHttpResult>> CancelAsync(string name, Guid id, SequinServices sequin, CancellationToken cancellationToken)
    {
        var result = await WithStoreAsync(name, sequin, async store =>
        {
            var record = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (record is null || !string.Equals(record.Sink, name, StringComparison.Ordinal))
            {
                return ((BackfillRecord?)null, false);
            }

            var cancelled = await store.FinishAsync(id, BackfillStatus.Cancelled, error: null, cancellationToken).ConfigureAwait(false);
            return (await store.GetAsync(id, cancellationToken).ConfigureAwait(false), cancelled);
        }).ConfigureAwait(false);
        return result.Result switch
        {
            Ok<(BackfillRecord?, bool)> { Value: ({ } record, true) } => TypedResults.Ok(BackfillView.Of(record)),
            Ok<(BackfillRecord?, bool)> { Value: ({ } record, false) } => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Backfill not active", detail: $"Backfill {id} is {record.Status.ToString().ToLowerInvariant()}: only an active one can be cancelled."),
            Ok<(BackfillRecord?, bool)> => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such backfill", detail: $"Sink '{name}' has no backfill {id}."),
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("Unexpected result."),
        };
    }

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad backfill request", detail: detail);

    private static Task<Results<Ok<T>, ProblemHttpResult>> WithStoreAsync<T>(string name, SequinServices sequin, Func<BackfillStore, Task<T>> action) =>
        SinkDatabaseCall.RunAsync(name, sequin, connectionString => new BackfillStore(connectionString), action);
}
