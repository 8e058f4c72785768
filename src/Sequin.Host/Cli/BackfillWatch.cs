using Sequin.Backfills;
using Spectre.Console;

namespace Sequin.Host.Cli;

/// <summary>
/// <c>sequin backfill status --watch</c>: refreshes until no listed backfill is active. In a terminal, a live
/// Spectre.Console progress bar per backfill; otherwise (output redirected, CI logs) a plain status line per backfill
/// and refresh.
/// </summary>
internal static class BackfillWatch
{
    /// <summary>Lists backfills; null after an error it has reported.</summary>
    public delegate Task<IReadOnlyList<BackfillRecord>?> Lister(CancellationToken cancellationToken);

    /// <summary>Plain lines until every backfill listed has ended; exit code 1 after a database error.</summary>
    public static async Task<int> LinesAsync(Lister list, TextWriter output, TimeSpan interval, CancellationToken cancellationToken)
    {
        while (true)
        {
            var listed = await list(cancellationToken).ConfigureAwait(false);
            if (listed is null)
            {
                return 1;
            }

            foreach (var record in listed)
            {
                await output.WriteLineAsync(BackfillStatusLine.Format(record, DateTimeOffset.UtcNow)).ConfigureAwait(false);
            }

            if (!listed.Any(r => r.Status == BackfillStatus.Active))
            {
                await output.WriteLineAsync(listed.Count == 0 ? "No backfills." : "No backfill is active.").ConfigureAwait(false);
                return 0;
            }

            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Live progress bars on <paramref name="console"/> until every backfill listed has ended.</summary>
    public static async Task<int> ProgressBarsAsync(IAnsiConsole console, Lister list, TimeSpan interval, CancellationToken cancellationToken)
    {
        var exit = 0;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<Guid, ProgressTask>();
                while (true)
                {
                    var listed = await list(cancellationToken).ConfigureAwait(false);
                    if (listed is null)
                    {
                        exit = 1;
                        return;
                    }

                    foreach (var record in listed)
                    {
                        if (!tasks.TryGetValue(record.Id, out var task))
                        {
                            task = context.AddTask(Markup.Escape($"{record.Sink} ← {record.Request.QualifiedTable}"), maxValue: Math.Max(1, record.RowsEstimated ?? record.RowsRead));
                            tasks[record.Id] = task;
                        }

                        task.MaxValue = Math.Max(Math.Max(1, record.RowsEstimated ?? 0), record.RowsRead);
                        task.Value = record.RowsRead;
                        task.Description = Markup.Escape($"{record.Sink} ← {record.Request.QualifiedTable}: {record.RowsRead} read, {record.RowsDelivered} delivered, {record.Status.ToString().ToLowerInvariant()}");
                        if (record.Status != BackfillStatus.Active)
                        {
                            if (record.Status == BackfillStatus.Completed)
                            {
                                task.Value = task.MaxValue;
                            }

                            task.StopTask();
                        }
                    }

                    if (!listed.Any(r => r.Status == BackfillStatus.Active))
                    {
                        return;
                    }

                    await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        return exit;
    }
}
