using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sequin.Hosting.AspNetCore;
using Sequin.Hosting.AspNetCore.Api;

namespace Sequin.WebConsole;

/// <summary>
/// <c>GET /console/live</c>: server-sent events, one a second, each the texts the pages show for every sink (status,
/// health and its reason, rate, counters, lag; with <c>?sink=name</c> that sink's backfills' progress) and database
/// (lag), keyed as the pages' <c>data-figure</c>
/// attributes; <c>console.js</c> puts them in place, so the pages refresh without a reload and without an interactive
/// Blazor circuit. Behind the same guard as the pages.
/// </summary>
internal static class ConsoleLive
{
    /// <summary>How often an event is sent.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static async Task StreamAsync(HttpContext context)
    {
        var sequin = context.RequestServices.GetRequiredService<SequinServices>();
        var rates = context.RequestServices.GetRequiredService<DeliveryRates>();
        var time = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        // Ends with the request, or when the listener stops (an open page must not hold the shutdown).
        var stopping = context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = linked.Token;

        // ?sink=name: that sink's backfills too (a sink's page while one is active).
        var backfillsOf = context.Request.Query["sink"].ToString() is { Length: > 0 } named && sequin.Config?.FindSink(named) is not null ? named : null;
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                var payload = await PayloadAsync(sequin, rates, time, backfillsOf, cancellationToken).ConfigureAwait(false);
                await context.Response.WriteAsync("data: " + payload + "\n\n", cancellationToken).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The page was closed or left.
        }
    }

    /// <summary>The texts of one event: <c>{"at":…,"sinks":{"name":{"figure":"text",…}},"databases":{…}}</c>.</summary>
    internal static async Task<string> PayloadAsync(SequinServices sequin, DeliveryRates rates, TimeProvider time, string? backfillsOf, CancellationToken cancellationToken)
    {
        var backfills = backfillsOf is null ? []
            : (await BackfillHandlers.ListAsync(backfillsOf, sequin, cancellationToken).ConfigureAwait(false)).Result is Microsoft.AspNetCore.Http.HttpResults.Ok<IReadOnlyList<BackfillView>> { Value: { } listed } ? listed
            : [];
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("at", time.GetUtcNow().ToUnixTimeMilliseconds());
            json.WriteStartObject("sinks");
            foreach (var sink in SinkViews.Sinks(sequin))
            {
                json.WriteStartObject(sink.Name);
                json.WriteString("status", sink.Status);
                json.WriteString("health", sink.Health?.State);
                json.WriteString("health-reason", sink.Health?.Reason);
                json.WriteString("rate", RateText.Of(rates.PerSecond(sink.Name)));
                json.WriteString("delivered", Figure(sink.Figures?.Delivered));
                json.WriteString("batches", Figure(sink.Figures?.DeliveredBatches));
                json.WriteString("failed", Figure(sink.Figures?.FailedAttempts));
                json.WriteString("parked", Figure(sink.Figures?.Parked));
                json.WriteString("filtered", Figure(sink.Figures?.Filtered));
                json.WriteString("discarded", Figure(sink.Figures?.Discarded));
                json.WriteString("buffered", Figure(sink.Figures?.Buffered));
                json.WriteString("buffered-bytes", sink.Figures is { } f ? Hosting.AspNetCore.Health.Humanized.Bytes(f.BufferedBytes) : "–");
                json.WriteString("lag", sink.Lag?.Text ?? "–");
                if (sink.Name == backfillsOf)
                {
                    foreach (var b in backfills)
                    {
                        var key = "backfill-" + b.Id.ToString("N");
                        json.WriteString(key + "-status", b.Status);
                        json.WriteString(key + "-read", b.RowsRead.ToString(CultureInfo.InvariantCulture));
                        json.WriteString(key + "-delivered", b.RowsDelivered.ToString(CultureInfo.InvariantCulture));
                        json.WriteString(key + "-percent", b.Percent is { } p ? p.ToString("0.#", CultureInfo.InvariantCulture) + " %" : "–");
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteStartObject("databases");
            foreach (var status in sequin.Runtime?.Replication ?? [])
            {
                json.WriteStartObject(status.Database);
                json.WriteString("lag", Hosting.AspNetCore.Health.LagView.Of(status).Text);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A counter as the pages show it: the number, or a dash when the sink is not running.</summary>
    public static string Figure(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "–";
}
