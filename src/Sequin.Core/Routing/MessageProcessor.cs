using System.Buffers;
using System.Text.Json;
using Sequin.Functions;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Routing;

/// <summary>
/// One worker partition's processing step: filter ⇒ route ⇒ payload. Not thread-safe. The message JSON is written once
/// per message into a reused buffer; the functions' arguments are built from it, and a copy of it is the payload when
/// there is no transform. A message over <see cref="LargeMessageBytes"/> is written instead into a buffer of its own
/// size, which becomes the payload as it is: no copy, and the reused buffer never grows to a large row's size (it would
/// keep that memory for as long as the partition runs).
/// </summary>
#pragma warning disable CA1001 // The Utf8JsonWriter only wraps a managed buffer: nothing to release.
internal sealed class MessageProcessor : IMessageProcessor, IDisposable
#pragma warning restore CA1001
{
    private readonly MessageProcessorOptions _options;
    private readonly ICompiledFunction? _filterFunction;
    private readonly ICompiledFunction? _routeFunction;
    private readonly ICompiledFunction? _transformFunction;
    private readonly Router _router;
    private readonly List<RouteEntry> _entries = [];
    /// <summary>Messages whose estimated size is over this (256 KiB) get a JSON buffer of their own.</summary>
    internal const int LargeMessageBytes = 256 * 1024;

    private readonly ArrayBufferWriter<byte> _buffer = new(2048);
    private readonly Utf8JsonWriter _writer;
    private readonly MessageJsonCache _jsonCache;
    private IFunctionInstance? _filter;
    private IFunctionInstance? _route;
    private IFunctionInstance? _transform;

    public MessageProcessor(MessageProcessorOptions options, ICompiledFunction? filter, ICompiledFunction? route, ICompiledFunction? transform)
    {
        _options = options;
        _filterFunction = filter;
        _routeFunction = route;
        _transformFunction = transform;
        _router = new Router(options.Routing, options.Mode == RoutingMode.Static ? options.SinkOptions : null, options.Consumer.Name);
        _writer = new Utf8JsonWriter(_buffer, ChangeMessageJsonWriter.WriterOptions);
        _jsonCache = new MessageJsonCache(options.Consumer);
    }

    /// <inheritdoc />
    public ProcessResult Process(ChangeMessage message, string? groupId, string? enrichmentJson = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            var large = message.EstimatedSize > LargeMessageBytes;
            var json = large ? WriteLargeMessageJson(message, enrichmentJson, out var layout) : WriteMessageJson(message, enrichmentJson, out layout);
            var input = new FunctionInput(json, layout);
            if (_filterFunction is not null && !(_filter ??= _filterFunction.CreateInstance()).InvokeFilter(input))
            {
                return ProcessResult.Filtered;
            }

            Route route;
            string? error;
            if (_routeFunction is null)
            {
                error = _router.RouteStatic(message, out route);
            }
            else
            {
                _entries.Clear();
                (_route ??= _routeFunction.CreateInstance()).InvokeRoute(input, _entries);
                error = _router.RouteDynamic(message, _entries, _routeFunction.Definition.Name, out route);
            }

            if (error is not null)
            {
                return ProcessResult.Failed(error);
            }

            // Routing saw the untransformed message; only now does the transform build the payload.
            var payload = _transformFunction is null
                ? large ? json : json.ToArray()
                : (_transform ??= _transformFunction.CreateInstance()).InvokeTransform(input);
            return ProcessResult.Routed(new RoutedMessage(message, route, groupId, payload, _transformFunction is not null));
        }
        catch (FunctionException e)
        {
            return ProcessResult.Failed(e.Error);
        }
#pragma warning disable CA1031 // A sink's routing code or a bad message must fail the message (and be retried), not the worker.
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return ProcessResult.Failed($"Processing the message for sink '{_options.Consumer.Name}' failed: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// Lets the function engines' threads exit now (a one-shot processor: a trial run). A worker partition's processor
    /// is never disposed: its calls run inline on the partition's thread.
    /// </summary>
    public void Dispose()
    {
        (_filter as IDisposable)?.Dispose();
        (_route as IDisposable)?.Dispose();
        (_transform as IDisposable)?.Dispose();
    }

    private ReadOnlyMemory<byte> WriteMessageJson(ChangeMessage message, string? enrichmentJson, out MessageJsonLayout layout)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        ChangeMessageJsonWriter.Write(_writer, message, _options.Consumer, _options.TimestampFormat, out layout, enrichmentJson, _jsonCache);
        _writer.Flush();
        return _buffer.WrittenMemory;
    }

    private ReadOnlyMemory<byte> WriteLargeMessageJson(ChangeMessage message, string? enrichmentJson, out MessageJsonLayout layout)
    {
        // Room for the values as they are plus the names, metadata and enrichment: no growth unless escapes lengthen them.
        var buffer = new PayloadBuffer(message.EstimatedSize + 4096 + (enrichmentJson?.Length * 3 ?? 0));
        using (var writer = new Utf8JsonWriter(buffer, ChangeMessageJsonWriter.WriterOptions))
        {
            ChangeMessageJsonWriter.Write(writer, message, _options.Consumer, _options.TimestampFormat, out layout, enrichmentJson, _jsonCache);
        }

        return buffer.WrittenMemory;
    }
}
