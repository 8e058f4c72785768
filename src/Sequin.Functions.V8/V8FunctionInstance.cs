using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.ClearScript;
using Microsoft.ClearScript.V8;
using Sequin.Functions.Engines;

namespace Sequin.Functions.V8;

/// <summary>
/// A routing function in its own V8 engine. One message per call (<see cref="InvokeRoute"/>), or many as one JSON
/// string (<see cref="InvokeRouteBatch"/>), which is where V8 pays off: crossing from .NET into V8 costs more than a
/// short function. A watchdog interrupts a call that uses more CPU time than its limit (the calling thread's own CPU
/// clock, read from the watchdog's timer, so that a call waiting for a core on a loaded machine does not time out), or
/// that runs past the wall-clock limit however little CPU it uses; a batch gets the CPU limit once per message. Not
/// thread-safe.
/// </summary>
internal sealed class V8FunctionInstance : IFunctionInstance, IDisposable
{
    private static readonly TimeSpan MinimumTick = TimeSpan.FromMilliseconds(5);
    private readonly V8CompiledFunction _compiled;
    private readonly FunctionDefinition _definition;
    private readonly V8ScriptEngine _engine;
    private readonly ScriptObject _route;
    private readonly ScriptObject _batch;
    private readonly Timer _watchdog;
    private readonly ArrayBufferWriter<byte> _batchJson = new(64 * 1024);
    private readonly object?[] _argument = new object?[1];
    private long _call;
    private long _armed = -1;
    private int? _clock;
    private long _startCpu;
    private long _startWall;
    private TimeSpan _cpuLimit;
    private TimeSpan _wallLimit;
    private volatile bool _overWallClock;

    public V8FunctionInstance(V8CompiledFunction compiled, V8ScriptEngine engine, ScriptObject route, ScriptObject batch)
    {
        _compiled = compiled;
        _definition = compiled.Definition;
        _engine = engine;
        _route = route;
        _batch = batch;
        _watchdog = new Timer(static state => ((V8FunctionInstance)state!).Expire(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <inheritdoc />
    public bool InvokeFilter(in FunctionInput input) =>
        throw V8Errors.Contract(_definition, "is a routing function; the V8 engine runs routing functions only.");

    /// <inheritdoc />
    public byte[] InvokeTransform(in FunctionInput input) =>
        throw V8Errors.Contract(_definition, "is a routing function; the V8 engine runs routing functions only.");

    /// <inheritdoc />
    public void InvokeRoute(in FunctionInput input, List<RouteEntry> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _argument[0] = Encoding.UTF8.GetString(input.MessageJson.Span);
        var result = Run(_route, _compiled.Limits.Timeout);
        using var document = JsonDocument.Parse(result);
        Read(document.RootElement, output);
    }

    /// <summary>
    /// Routes many messages in one call. <paramref name="outputs"/> and <paramref name="errors"/> get one slot per
    /// input: the entries, or the message's error (a failing message fails alone; the others are routed).
    /// </summary>
    /// <exception cref="FunctionException">The whole batch ran past its time limit or memory limit.</exception>
    public void InvokeRouteBatch(IReadOnlyList<FunctionInput> inputs, List<RouteEntry>[] outputs, FunctionError?[] errors)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(errors);
        _batchJson.ResetWrittenCount();
        _batchJson.Write("["u8);
        for (var i = 0; i < inputs.Count; i++)
        {
            if (i > 0)
            {
                _batchJson.Write(","u8);
            }

            _batchJson.Write(inputs[i].MessageJson.Span);
        }

        _batchJson.Write("]"u8);
        _argument[0] = Encoding.UTF8.GetString(_batchJson.WrittenSpan);
        var result = Run(_batch, _compiled.Limits.Timeout * Math.Max(inputs.Count, 1));
        using var document = JsonDocument.Parse(result);
        var i2 = 0;
        foreach (var element in document.RootElement.EnumerateArray())
        {
            errors[i2] = null;
            try
            {
                Read(element, outputs[i2]);
            }
            catch (FunctionException e)
            {
                errors[i2] = e.Error;
            }

            i2++;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _watchdog.Dispose();
        _engine.Dispose();
    }

    private string Run(ScriptObject entry, TimeSpan limit)
    {
        var call = Interlocked.Increment(ref _call);
        _clock = ThreadCpuTime.CurrentThreadClock();
        _startCpu = _clock is { } clock ? ThreadCpuTime.Read(clock) ?? 0 : 0;
        _startWall = Stopwatch.GetTimestamp();
        _cpuLimit = limit;
        _wallLimit = _compiled.Limits.WallClockTimeout + limit;
        _overWallClock = false;
        Volatile.Write(ref _armed, call);
        _watchdog.Change(limit, Timeout.InfiniteTimeSpan);
        try
        {
            return (string)entry.InvokeAsFunction(_argument);
        }
        catch (ScriptInterruptedException)
        {
            throw V8Errors.Failed(
                _definition,
                _overWallClock
                    ? $"did not return within the wall-clock limit of {_wallLimit.TotalMilliseconds:0} ms."
                    : $"exceeded its time limit of {limit.TotalMilliseconds:0} ms.",
                null,
                null,
                0);
        }
        catch (ScriptEngineException e)
        {
            throw V8Errors.FromScript(_definition, e, _compiled.WrapperColumnOffset);
        }
        finally
        {
            Volatile.Write(ref _armed, -1);
            _argument[0] = null;
        }
    }

    // The watchdog: interrupts only the call it was armed for (a late tick after that call ended does nothing), once
    // that call has used its CPU time or the wall-clock limit; otherwise it looks again when the rest could be used up.
    private void Expire()
    {
        var call = Volatile.Read(ref _call);
        if (Volatile.Read(ref _armed) != call)
        {
            return;
        }

        var wall = Stopwatch.GetElapsedTime(_startWall);
        var used = _clock is { } clock && ThreadCpuTime.Read(clock) is { } now ? TimeSpan.FromTicks((now - _startCpu) / 100) : wall;
        if (wall >= _wallLimit || used >= _cpuLimit)
        {
            _overWallClock = used < _cpuLimit;
            if (Volatile.Read(ref _armed) == call)
            {
                _engine.Interrupt();
            }

            return;
        }

        var next = TimeSpan.FromTicks(Math.Min((_cpuLimit - used).Ticks, (_wallLimit - wall).Ticks));
        if (Volatile.Read(ref _armed) != call)
        {
            return;
        }

        _watchdog.Change(next < MinimumTick ? MinimumTick : next, Timeout.InfiniteTimeSpan);
    }

    private void Read(JsonElement result, List<RouteEntry> output)
    {
        if (result.ValueKind == JsonValueKind.Object)
        {
            var text = result.GetProperty("error").GetString() ?? "failed.";
            int? line = result.TryGetProperty("line", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetInt32() : null;
            int? column = result.TryGetProperty("column", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : null;
            if (text.StartsWith("returned ", StringComparison.Ordinal))
            {
                throw V8Errors.Contract(_definition, text);
            }

            throw V8Errors.Failed(_definition, text, line, column, _compiled.WrapperColumnOffset);
        }

        foreach (var entry in result.EnumerateArray())
        {
            var key = entry[0].GetString()!;
            output.Add(entry[1].GetInt32() switch
            {
                0 => new RouteEntry(key, RouteValueKind.String, entry[2].GetString()),
                1 => new RouteEntry(key, RouteValueKind.Number, entry[2].GetString()),
                2 => new RouteEntry(key, RouteValueKind.Null, null),
                3 => new RouteEntry(key, RouteValueKind.Undefined, null),
                5 => new RouteEntry(key, RouteValueKind.Map, entry[2].GetString()),
                _ => new RouteEntry(key, RouteValueKind.Other, entry[2].GetString()),
            });
        }
    }
}
