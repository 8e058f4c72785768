using System.Buffers;
using System.Text.Json;
using Sequin.Messages;

namespace Sequin.Sinks.Stdout;

/// <summary>
/// Writes messages to standard output or appends them to a file, one JSON line each (or indented with
/// <see cref="StdoutSinkOptions.Pretty"/>). A batch is formatted in memory and written with one call under one lock
/// before it counts as delivered. To a file, a batch is all or nothing: a failed write (a full disk, say) is cut back
/// off the file, so no partial line is left for the retry to append to; and a file deleted, moved or truncated under
/// the sink is noticed after the write, its path opened anew and the batch written again there, so nothing
/// acknowledged is lost in a file nobody can read. Small payloads are copied into one batch buffer; a payload over
/// <see cref="LargePayloadBytes"/> is written from where it lies (a gathered write), so a large row is never copied
/// again here and the batch buffer does not grow to its size.
/// </summary>
internal sealed class StdoutWriter : ISinkDelivery
{
    /// <summary>Payloads over this (64 KiB) are written as they are rather than copied into the batch buffer.</summary>
    internal const int LargePayloadBytes = 64 * 1024;

    private const int MaxRewrites = 3;
    private const int MaxKeptBatchBuffer = 4 * 1024 * 1024;
    private readonly StdoutSinkOptions _options;
    private readonly Func<Stream> _openStandardOutput;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly List<Piece> _pieces = [];
    private readonly List<ReadOnlyMemory<byte>> _segments = [];
    private ArrayBufferWriter<byte> _batch = new(64 * 1024);
    private Stream? _stream;
    private FileStream? _file;
    private long _position;

    /// <summary>Creates a client for <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public StdoutWriter(StdoutSinkOptions options)
        : this(options, Console.OpenStandardOutput)
    {
    }

    internal StdoutWriter(StdoutSinkOptions options, Func<Stream> openStandardOutput)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(openStandardOutput);
        _options = options;
        _openStandardOutput = openStandardOutput;
    }

    /// <summary>Whether messages go to standard output (<c>path: "-"</c>).</summary>
    public bool IsStandardOutput => _options.Path == StdoutSinkOptions.StandardOutput;

    /// <summary>Writes the batch's payloads in order, each on its own line, all or nothing; an I/O error fails the batch (retried).</summary>
    public async ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await WriteAsync([.. batch.Messages.Select(m => m.Payload)], cancellationToken).ConfigureAwait(false);
        return batch.AllDelivered();
    }

    /// <summary>Writes the payloads in order, each on its own line, all or nothing.</summary>
    /// <param name="payloads">UTF-8 JSON payloads.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="IOException">The output could not be written; a file is left as it was before the batch.</exception>
    public async Task WriteAsync(IReadOnlyList<ReadOnlyMemory<byte>> payloads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Format(payloads);
            if (_stream is null && _file is null)
            {
                Open();
            }

            for (var attempt = 0; ; attempt++)
            {
                if (_stream is not null)
                {
                    foreach (var segment in _segments)
                    {
                        await _stream.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
                    }

                    await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }

                await AppendToFileAsync(cancellationToken).ConfigureAwait(false);
                if (StillAtPath())
                {
                    return;
                }

                // Deleted, moved or truncated under us: what was just written went where nobody will read it.
                CloseFile();
                if (attempt == MaxRewrites)
                {
                    throw new IOException($"{_options.Path} keeps being removed or replaced while it is written; the batch will be retried.");
                }

                Open();
            }
        }
        finally
        {
            // The payloads belong to the batch; a buffer grown by a large pretty-printed one is not kept.
            _segments.Clear();
            _pieces.Clear();
            if (_batch.Capacity > MaxKeptBatchBuffer)
            {
                _batch = new ArrayBufferWriter<byte>(64 * 1024);
            }

            _lock.Release();
        }
    }

    private void Format(IReadOnlyList<ReadOnlyMemory<byte>> payloads)
    {
        _batch.ResetWrittenCount();
        _pieces.Clear();
        var start = 0;
        foreach (var payload in payloads)
        {
            if (_options.Pretty)
            {
                using var document = JsonDocument.Parse(payload, ChangeMessageJsonWriter.DocumentOptions);
                using var writer = new Utf8JsonWriter(_batch, ChangeMessageJsonWriter.WriterOptions with { Indented = true });
                document.WriteTo(writer);
            }
            else if (payload.Length > LargePayloadBytes)
            {
                // What the batch buffer holds so far, then the payload itself; the line ends in the buffer.
                _pieces.Add(new Piece(default, start, _batch.WrittenCount - start));
                _pieces.Add(new Piece(payload, 0, payload.Length));
                start = _batch.WrittenCount;
            }
            else
            {
                _batch.Write(payload.Span);
            }

            _batch.Write("\n"u8);
        }

        _pieces.Add(new Piece(default, start, _batch.WrittenCount - start));

        // Resolved only now: the buffer may have moved while it grew.
        _segments.Clear();
        foreach (var piece in _pieces)
        {
            if (piece.Length > 0)
            {
                _segments.Add(piece.External.IsEmpty ? _batch.WrittenMemory.Slice(piece.Start, piece.Length) : piece.External);
            }
        }
    }

    private void Open()
    {
        if (IsStandardOutput)
        {
            _stream = _openStandardOutput();
            return;
        }

        var stream = new FileStream(_options.Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
        if (!stream.CanSeek)
        {
            _stream = stream; // a named pipe or a device: written like standard output
            return;
        }

        _file = stream;
        _position = stream.Length;
    }

    private async Task AppendToFileAsync(CancellationToken cancellationToken)
    {
        var handle = _file!.SafeFileHandle;
        try
        {
            await RandomAccess.WriteAsync(handle, _segments, _position, cancellationToken).ConfigureAwait(false);
            foreach (var segment in _segments)
            {
                _position += segment.Length;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            // Leave no partial line behind: cut the file back to where the batch began.
            try
            {
                RandomAccess.SetLength(handle, _position);
            }
            catch (IOException)
            {
                CloseFile(); // the next batch reopens and starts from the file's real end
            }

            throw;
        }
    }

    private bool StillAtPath()
    {
        var atPath = new FileInfo(_options.Path);
        return atPath.Exists && atPath.Length >= _position;
    }

    private void CloseFile()
    {
        _file?.Dispose();
        _file = null;
    }

    /// <inheritdoc />
    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken)
    {
        if (IsStandardOutput)
        {
            return Task.FromResult(ConnectionTestResult.Ok("Messages go to standard output."));
        }

        try
        {
            var full = System.IO.Path.GetFullPath(_options.Path);
            using (new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
            {
            }

            return Task.FromResult(ConnectionTestResult.Ok($"{full} is writable."));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return Task.FromResult(ConnectionTestResult.Failed($"Cannot append to {_options.Path}: {ex.Message}"));
        }
    }

    /// <summary>A run of the batch buffer (<see cref="External"/> empty) or a payload written from where it lies.</summary>
    private readonly record struct Piece(ReadOnlyMemory<byte> External, int Start, int Length);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
            _stream = null;
        }

        CloseFile();
        _lock.Dispose();
    }
}
