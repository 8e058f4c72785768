using System.Text.Json;
using Sequin.Messages;

namespace Sequin.Sinks.Stdout;

/// <summary>
/// Writes messages to standard output or appends them to a file, one JSON line each (or indented with
/// <see cref="StdoutSinkOptions.Pretty"/>), a whole batch under one lock and flushed before the batch counts as delivered.
/// </summary>
public sealed class StdoutSinkClient : ISinkClient
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly StdoutSinkOptions _options;
    private readonly Func<Stream> _openStandardOutput;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private Stream? _stream;

    /// <summary>Creates a client for <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public StdoutSinkClient(StdoutSinkOptions options)
        : this(options, Console.OpenStandardOutput)
    {
    }

    internal StdoutSinkClient(StdoutSinkOptions options, Func<Stream> openStandardOutput)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(openStandardOutput);
        _options = options;
        _openStandardOutput = openStandardOutput;
    }

    /// <summary>Whether messages go to standard output (<c>path: "-"</c>).</summary>
    public bool IsStandardOutput => _options.Path == StdoutSinkOptions.StandardOutput;

    /// <summary>Writes the payloads in order and flushes.</summary>
    /// <param name="payloads">UTF-8 JSON payloads.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="IOException">The output could not be written.</exception>
    public async Task WriteAsync(IReadOnlyList<ReadOnlyMemory<byte>> payloads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _stream ??= Open();
            foreach (var payload in payloads)
            {
                if (_options.Pretty)
                {
                    await WriteIndentedAsync(_stream, payload, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
                }

                await _stream.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
            }

            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
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

    /// <inheritdoc />
    public Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken) => TestConnectionAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
            _stream = null;
        }

        _lock.Dispose();
    }

    private Stream Open() => IsStandardOutput
        ? _openStandardOutput()
        : new FileStream(_options.Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 64 * 1024, useAsync: true);

    private static async Task WriteIndentedAsync(Stream stream, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(payload, ChangeMessageJsonWriter.DocumentOptions);
        var writer = new Utf8JsonWriter(stream, ChangeMessageJsonWriter.WriterOptions with { Indented = true });
        await using (writer.ConfigureAwait(false))
        {
            document.WriteTo(writer);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
