using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Sequin.Hosting.AspNetCore.Api;

/// <summary>
/// Runs an API call against a store in a sink's source database (parked messages, backfills): 404 for an unknown sink,
/// 503 naming the database when it cannot be reached.
/// </summary>
internal static class SinkDatabaseCall
{
    public static async Task<Results<Ok<T>, ProblemHttpResult>> RunAsync<TStore, T>(string name, SequinServices sequin, Func<string, TStore> open, Func<TStore, Task<T>> action)
        where TStore : IAsyncDisposable
    {
        if (SinkHandlers.Find(sequin, name) is not { } sink)
        {
            return SinkHandlers.NotFound(name);
        }

        var database = sequin.Config!.FindDatabase(sink.Settings.Database)!;
        var store = open(database.BuildConnectionString());
        await using (store.ConfigureAwait(false))
        {
            try
            {
                return TypedResults.Ok(await action(store).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "Database unavailable",
                    detail: $"Database '{database.Name}' ({database.Hostname}:{database.Port}/{database.Database}): {ex.Message}");
            }
        }
    }
}
