using System.Globalization;
using Sequin.Backfills;

namespace Sequin.Host.Cli;

/// <summary>One backfill as a line of <c>sequin backfill status</c>: id, sink, table, state, rows, rate, time left.</summary>
internal static class BackfillStatusLine
{
    /// <summary>The progress of <paramref name="record"/>: the rate is its rows read over the time since it was created.</summary>
    public static BackfillProgress Progress(BackfillRecord record)
    {
        var seconds = (record.UpdatedAt - record.CreatedAt).TotalSeconds;
        return new BackfillProgress(record.RowsRead, record.RowsDelivered, record.RowsEstimated, seconds > 0 ? record.RowsRead / seconds : 0);
    }

    /// <summary>Formats a line (tab-separated, like <c>sequin messages list</c>).</summary>
    public static string Format(BackfillRecord record, DateTimeOffset now)
    {
        var progress = Progress(record);
        var state = record.Status.ToString().ToLowerInvariant();
        var of = record.RowsEstimated is { } total ? string.Create(CultureInfo.InvariantCulture, $"/~{total}") : string.Empty;
        var percent = record.Status == BackfillStatus.Completed ? " (100%)" : progress.Fraction is { } f ? string.Create(CultureInfo.InvariantCulture, $" ({f * 100:F0}%)") : string.Empty;
        var left = record.Status == BackfillStatus.Active && progress.Remaining is { } r ? "left=" + Duration(r) : "left=-";
        var kind = record.Request.Kind == BackfillKind.Partial
            ? $"partial from {record.Request.SortColumn} >= {record.Request.StartPosition}"
            : "full";
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{record.Id}\t{record.Sink}\t{record.Request.QualifiedTable}\t{kind}\t{state}\tread={record.RowsRead}{of}{percent}\tdelivered={record.RowsDelivered}\trate={progress.RowsPerSecond:F0}/s\t{left}\tupdated={Duration(now - record.UpdatedAt)} ago");
        return record.Error is { } error ? line + "\t" + error : line;
    }

    /// <summary>A duration as <c>1h02m03s</c>, <c>2m03s</c> or <c>3s</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:D2}m{span.Seconds:D2}s")
            : span.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m{span.Seconds:D2}s")
                : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalSeconds}s");
    }
}
