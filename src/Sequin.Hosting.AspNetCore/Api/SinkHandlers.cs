using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Sequin.Configuration;

namespace Sequin.Hosting.AspNetCore.Api;

/// <summary>The handlers of <c>/api/sinks/{name}</c>: details, pause, resume, connection test.</summary>
internal static class SinkHandlers
{
    /// <summary>How long <c>test-connection</c> waits for the destination.</summary>
    public static readonly TimeSpan ConnectionTestTimeout = TimeSpan.FromSeconds(30);

    public static Results<Ok<SinkDetail>, ProblemHttpResult> Get(string name, SequinServices sequin)
    {
        if (Find(sequin, name) is not { } sink)
        {
            return NotFound(name);
        }

        var consumer = SinkViews.Consumers(sequin).GetValueOrDefault(name);
        var errors = consumer?.RecentErrors.Select(e => new ErrorView(e.Error, e.Count, e.FirstAt, e.LastAt)).ToList() ?? [];
        return TypedResults.Ok(new SinkDetail(SinkViews.View(sequin, sink, consumer), SequinConfigExporter.ExportSink(sink), errors));
    }

    public static Results<Ok<SinkView>, ProblemHttpResult> Pause(string name, SequinServices sequin) => Switch(name, sequin, pause: true);

    public static Results<Ok<SinkView>, ProblemHttpResult> Resume(string name, SequinServices sequin) => Switch(name, sequin, pause: false);

    public static async Task<Results<Ok<ConnectionTestView>, ProblemHttpResult>> TestConnectionAsync(string name, SequinServices sequin, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (Find(sequin, name) is not { } sink)
        {
            return NotFound(name);
        }

        var result = await SinkConnectionTest.RunAsync(sink, sequin.Provider, loggerFactory, ConnectionTestTimeout, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ConnectionTestView(result.Success, SinkConnectionTest.What(sink), result.Message));
    }

    /// <summary>The configured sink named <paramref name="name"/>, or null.</summary>
    public static SinkConfig? Find(SequinServices sequin, string name) => sequin.Config?.FindSink(name);

    public static ProblemHttpResult NotFound(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such sink", detail: $"No sink named '{name}' is configured.");

    private static Results<Ok<SinkView>, ProblemHttpResult> Switch(string name, SequinServices sequin, bool pause)
    {
        if (Find(sequin, name) is not { } sink)
        {
            return NotFound(name);
        }

        if (SinkViews.Consumers(sequin).GetValueOrDefault(name) is not { } consumer)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Sink not running",
                detail: $"Sink '{name}' is not running (status in sequin.yaml: {sink.Status.ToString().ToLowerInvariant()}, or the runtime is still starting).");
        }

        _ = pause ? consumer.Pause() : consumer.Resume();
        return TypedResults.Ok(SinkViews.View(sequin, sink, consumer));
    }
}
