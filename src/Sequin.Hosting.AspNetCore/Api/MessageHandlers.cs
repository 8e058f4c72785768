using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Sequin.Parking;

namespace Sequin.Hosting.AspNetCore.Api;

/// <summary>
/// The handlers of <c>/api/sinks/{name}/messages</c>: a sink's parked messages (the ones that failed
/// <c>park_after_failures</c> times; docs/reference/failures.md), with retry now and discard, through the same
/// <see cref="PostgresParkingStore"/> as <c>sequin messages</c>.
/// </summary>
internal static class MessageHandlers
{
    private const string DefaultDiscardReason = "discarded by an operator (HTTP API)";

    public static async Task<Results<Ok<IReadOnlyList<FailingMessageView>>, ProblemHttpResult>> ListAsync(
        string name, SequinServices sequin, CancellationToken cancellationToken, long after = 0, int limit = 100)
    {
        if (limit is < 1 or > 10_000)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad limit", detail: $"limit must be between 1 and 10000 (got {limit}).");
        }

        return await WithStoreAsync<IReadOnlyList<FailingMessageView>>(name, sequin, async store =>
        {
            var listed = await store.ListAsync(name, discarded: false, after, limit, cancellationToken).ConfigureAwait(false);
            return [.. listed.Select(m => new FailingMessageView(
                m.Id, m.Table, m.Action, m.GroupId, new NpgsqlTypes.NpgsqlLogSequenceNumber(m.CommitLsn).ToString(), m.CommitIdx, m.FailedAttempts, m.Error, m.At))];
        }).ConfigureAwait(false);
    }

    public static Task<Results<Ok<MessageChangeView>, ProblemHttpResult>> RetryAsync(string name, long id, SequinServices sequin, CancellationToken cancellationToken) =>
        ChangeAsync(name, id, sequin, store => store.RetryNowAsync(name, [id], cancellationToken));

    public static Task<Results<Ok<MessageChangeView>, ProblemHttpResult>> DiscardAsync(string name, long id, SequinServices sequin, CancellationToken cancellationToken, string? reason = null) =>
        ChangeAsync(name, id, sequin, store => store.DiscardParkedAsync(name, [id], reason is { Length: > 0 } ? reason : DefaultDiscardReason, cancellationToken));

    /// <summary>Makes all the sink's parked messages (or those of <paramref name="table"/>) due now, as <c>sequin messages retry --all</c>.</summary>
    public static Task<Results<Ok<BulkChangeView>, ProblemHttpResult>> RetryAllAsync(string name, SequinServices sequin, CancellationToken cancellationToken, string? table = null) =>
        BulkAsync(name, table, sequin, store => store.RetryNowAsync(name, null, Blank(table), cancellationToken));

    /// <summary>Discards all the sink's parked messages (or those of <paramref name="table"/>), as <c>sequin messages discard --all</c>.</summary>
    public static Task<Results<Ok<BulkChangeView>, ProblemHttpResult>> DiscardAllAsync(string name, SequinServices sequin, CancellationToken cancellationToken, string? table = null, string? reason = null) =>
        BulkAsync(name, table, sequin, store => store.DiscardParkedAsync(name, null, Blank(table), reason is { Length: > 0 } ? reason : DefaultDiscardReason, cancellationToken));

    /// <summary>One parked message with its stored row values (<c>record</c>, and <c>changes</c> for an update).</summary>
    public static async Task<Results<Ok<ParkedMessageView>, ProblemHttpResult>> GetAsync(string name, long id, SequinServices sequin, CancellationToken cancellationToken)
    {
        var sink = SinkHandlers.Find(sequin, name);
        var result = await WithStoreAsync(name, sequin, async store => await store.LoadParkedAsync(name, id, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return result.Result switch
        {
            Ok<(ParkedMessageInfo Info, Messages.ChangeMessage Message)?> { Value: { } found } => TypedResults.Ok(ParkedMessageView.Of(found.Info, found.Message, sink!.Settings.TimestampFormat)),
            Ok<(ParkedMessageInfo Info, Messages.ChangeMessage Message)?> => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such message", detail: $"Sink '{name}' has no parked message {id}."),
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("Unexpected result."),
        };
    }

    private static string? Blank(string? table) => string.IsNullOrWhiteSpace(table) ? null : table.Trim();

    private static async Task<Results<Ok<BulkChangeView>, ProblemHttpResult>> BulkAsync(string name, string? table, SequinServices sequin, Func<PostgresParkingStore, Task<int>> change)
    {
        if (Blank(table) is { } t && !t.Contains('.', StringComparison.Ordinal))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad table", detail: $"table must be schema.table, e.g. public.orders (got '{t}').");
        }

        return await WithStoreAsync(name, sequin, async store => new BulkChangeView(Blank(table), await change(store).ConfigureAwait(false))).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<MessageChangeView>, ProblemHttpResult>> ChangeAsync(string name, long id, SequinServices sequin, Func<PostgresParkingStore, Task<int>> change)
    {
        var result = await WithStoreAsync(name, sequin, async store => new MessageChangeView(id, await change(store).ConfigureAwait(false))).ConfigureAwait(false);
        return result.Result is Ok<MessageChangeView> { Value.Changed: 0 }
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such message", detail: $"Sink '{name}' has no parked message {id}.")
            : result;
    }

    private static Task<Results<Ok<T>, ProblemHttpResult>> WithStoreAsync<T>(string name, SequinServices sequin, Func<PostgresParkingStore, Task<T>> action) =>
        SinkDatabaseCall.RunAsync(name, sequin, connectionString => new PostgresParkingStore(connectionString), action);
}
