using Sequin.Sinks;

namespace Acme.Sequin.JsonFiles;

/// <summary>Appends JSON lines to files in one folder; an I/O error fails the batch, and Core retries it.</summary>
public sealed class JsonFilesWriter(JsonFilesSinkOptions options) : ISinkDelivery
{
    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await AppendAsync(batch.Messages[0].Route.GetRequired(JsonFilesSink.FileKey), batch.Messages.Select(m => m.Payload), cancellationToken).ConfigureAwait(false);
        return batch.AllDelivered();
    }

    /// <summary>Appends each payload as one line to <paramref name="file"/> in the folder, and flushes.</summary>
    /// <param name="file">The file name (checked by the routing: no path).</param>
    /// <param name="payloads">UTF-8 JSON payloads.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task AppendAsync(string file, IEnumerable<ReadOnlyMemory<byte>> payloads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        Directory.CreateDirectory(options.Directory);
        var stream = new FileStream(Path.Combine(options.Directory, file), FileMode.Append, FileAccess.Write, FileShare.Read);
        await using var _ = stream.ConfigureAwait(false);
        foreach (var payload in payloads)
        {
            await stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
            stream.WriteByte((byte)'\n');
        }

        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(options.Directory);
            return Task.FromResult(ConnectionTestResult.Ok($"{Path.GetFullPath(options.Directory)} is there."));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Task.FromResult(ConnectionTestResult.Failed($"Cannot create {options.Directory}: {ex.Message}"));
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
