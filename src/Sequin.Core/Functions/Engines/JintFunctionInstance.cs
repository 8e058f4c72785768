using System.Buffers;
using System.Text;
using System.Text.Json;
using Jint;
using Jint.Native;
using Jint.Native.Function;
using Jint.Native.Object;
using Jint.Runtime;
using Sequin.Messages;

namespace Sequin.Functions.Engines;

/// <summary>
/// A function loaded in its own Jint engine, which runs only on its own <see cref="FunctionThread"/>: every call is
/// handed to that thread (its large stack is what makes a native stack overflow impossible) and waited for, at most
/// the watchdog's wall-clock limit. A call the watchdog abandons leaves this engine to the abandoned thread: the
/// instance is then <see cref="Abandoned"/> and <see cref="JintWatchedInstance"/> loads a fresh one. What such a call
/// could still touch (arguments, buffers, results) belongs to this instance alone; the caller's route list and input
/// are not handed to it. Not thread-safe.
/// </summary>
internal sealed class JintFunctionInstance : IFunctionInstance
{
    private readonly JintCompiledFunction _compiled;
    private readonly FunctionDefinition _definition;
    private readonly FunctionLimits _limits;
    private readonly FunctionThread _thread;
    private readonly Engine _engine;
    private readonly Function _entry;
    private readonly bool _wrapped;
    private readonly int _usedArguments;
    private readonly JsValue[] _args = new JsValue[4];
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly SharedMetadata _sharedMetadata = new();
    private readonly PropertyNames _names = new();
    private readonly LazyJsonSource _lazy;
    private readonly Action<object?> _run;
    private readonly List<RouteEntry> _routeEntries = [];

    // The call being handed to the thread.
    private FunctionKind _kind;
    private ReadOnlyMemory<byte> _input;
    private MessageJsonLayout? _layout;
    private List<RouteEntry>? _routeOutput;
    private bool _filterResult;
    private byte[]? _transformResult;

    public JintFunctionInstance(JintCompiledFunction compiled, FunctionLimits limits, FunctionThread thread, Engine engine, Function entry, bool wrapped, int usedArguments)
    {
        _compiled = compiled;
        _definition = compiled.Definition;
        _limits = limits;
        _thread = thread;
        _engine = engine;
        _entry = entry;
        _wrapped = wrapped;
        _usedArguments = usedArguments;
        _run = static state => ((JintFunctionInstance)state!).RunOnThread();
        _lazy = new LazyJsonSource(engine, _names);
    }

    /// <summary>Whether the watchdog abandoned a call of this instance: its engine may still be in use, never call it again.</summary>
    public bool Abandoned { get; private set; }

    /// <inheritdoc />
    public bool InvokeFilter(in FunctionInput input)
    {
        Hand(FunctionKind.Filter, input, null);
        return _filterResult;
    }

    /// <inheritdoc />
    public void InvokeRoute(in FunctionInput input, List<RouteEntry> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Hand(FunctionKind.Routing, input, output);
    }

    /// <inheritdoc />
    public byte[] InvokeTransform(in FunctionInput input)
    {
        Hand(FunctionKind.Transform, input, null);
        var result = _transformResult!;
        _transformResult = null;
        return result;
    }

    private void Hand(FunctionKind kind, in FunctionInput input, List<RouteEntry>? output)
    {
        ObjectDisposedException.ThrowIf(Abandoned, this);
        _kind = kind;

        // A call handed to the function thread may be abandoned and keep running: it gets its own copy of the input
        // (the caller reuses its buffer), and route entries go to this instance's list, copied out after it returned.
        var inline = LargeStackThread.IsCurrent;
        _input = inline ? input.MessageJson : input.MessageJson.ToArray();
        _layout = input.Layout;
        _routeOutput = output is null || inline ? output : _routeEntries;
        _routeEntries.Clear();
        try
        {
            _thread.Run(_run, this, _limits.WallClockTimeout);
            if (!inline)
            {
                output?.AddRange(_routeEntries);
            }
        }
        catch (FunctionAbandonedException e)
        {
            Abandoned = true;
            throw JintErrors.Abandoned(_definition, e, _compiled.WrapperColumnOffset, JintStackLocation.Top(_engine));
        }
        finally
        {
            if (!Abandoned)
            {
                _routeEntries.Clear();
                _input = default;
                _layout = null;
                _routeOutput = null;
            }
        }
    }

    private void RunOnThread()
    {
        _lazy.Begin(_input);
        try
        {
            var result = Call();
            switch (_kind)
            {
                case FunctionKind.Filter:
                    if (!result.IsBoolean())
                    {
                        throw JintErrors.Contract(_definition, $"returned {Describe(result)}. Filter functions must return true or false.");
                    }

                    _filterResult = result.AsBoolean();
                    break;
                case FunctionKind.Routing:
                    ReadRoute(result, _routeOutput!);
                    break;
                default:
                    _transformResult = WriteTransform(result);
                    break;
            }
        }
        catch (Exception e) when (e is not FunctionException)
        {
            throw JintErrors.FromException(_definition, _limits, e, _compiled.WrapperColumnOffset);
        }
        finally
        {
            _lazy.End();
        }
    }

    private JsValue Call()
    {
        JsonToJsValue.ReadArguments(_engine, _input.Span, _args, _usedArguments, _sharedMetadata, _names, _lazy, _layout);
        var entry = _wrapped ? _engine.Call(_entry, JsValue.Undefined, []) : _entry;
        if (entry is not Function)
        {
            throw JintErrors.Contract(_definition, $"must declare function {_definition.EntryPoint}(action, record, changes, metadata).");
        }

        return _engine.Call(entry, JsValue.Undefined, _args);
    }

    private void ReadRoute(JsValue result, List<RouteEntry> output)
    {
        if (result is not ObjectInstance obj || result.IsArray() || result is Function)
        {
            throw JintErrors.Contract(_definition, $"returned {Describe(result)}. Routing functions must return an object, e.g. {{ topic: \"...\" }}.");
        }

        foreach (var key in obj.GetOwnPropertyKeys(Types.String))
        {
            var property = obj.GetOwnProperty(key);
            if (!property.Enumerable)
            {
                continue;
            }

            var name = key.ToString();
            var value = property.IsAccessorDescriptor() ? obj.Get(key) : property.Value ?? JsValue.Undefined;
            output.Add(value.Type switch
            {
                // A number the function passed through untouched keeps the message's text (and so does a number
                // beyond the double range, which the function received as a string of its digits).
                _ when _lazy.Numbers.TryGetText(value, out var exact) => new RouteEntry(name, RouteValueKind.Number, exact),
                Types.String => new RouteEntry(name, RouteValueKind.String, value.ToString()),
                Types.Number => new RouteEntry(name, RouteValueKind.Number, TypeConverter.ToString(value)),
                Types.Null => new RouteEntry(name, RouteValueKind.Null, null),
                Types.Undefined => new RouteEntry(name, RouteValueKind.Undefined, null),
                _ when MapText(value) is { } map => new RouteEntry(name, RouteValueKind.Map, map),
                _ => new RouteEntry(name, RouteValueKind.Other, Describe(value)),
            });
        }
    }

    /// <summary>A plain object whose own values are all strings or numbers, as a JSON object of strings; else null.</summary>
    private static string? MapText(JsValue value)
    {
        if (value is not ObjectInstance obj || value.IsArray() || value is Function)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var key in obj.GetOwnPropertyKeys(Types.String))
            {
                var property = obj.GetOwnProperty(key);
                if (!property.Enumerable)
                {
                    continue;
                }

                var item = property.IsAccessorDescriptor() ? obj.Get(key) : property.Value ?? JsValue.Undefined;
                switch (item.Type)
                {
                    case Types.String:
                        writer.WriteString(key.ToString(), item.ToString());
                        break;
                    case Types.Number:
                        writer.WriteString(key.ToString(), TypeConverter.ToString(item));
                        break;
                    default:
                        return null;
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private byte[] WriteTransform(JsValue result)
    {
        if (result.IsUndefined())
        {
            throw JintErrors.Contract(_definition, "returned undefined. Return value is not JSON serializable: a transform must return a JSON value (did you forget `return`?).");
        }

        _buffer.ResetWrittenCount();
        string? error;
        using (var writer = new Utf8JsonWriter(_buffer, ChangeMessageJsonWriter.WriterOptions))
        {
            error = JsValueJsonWriter.TryWrite(_engine, writer, result, _lazy.Numbers);
            if (error is null)
            {
                writer.Flush();
            }
        }

        if (error is not null)
        {
            throw JintErrors.Contract(_definition, "returned a value that is not JSON serializable: " + error + ".");
        }

        return _buffer.WrittenSpan.ToArray();
    }

    private static string Describe(JsValue value) => value.Type switch
    {
        Types.Undefined => "undefined",
        Types.Null => "null",
        Types.Boolean => "boolean " + (value.AsBoolean() ? "true" : "false"),
        Types.Number => "number " + TypeConverter.ToString(value),
        Types.String => "string \"" + Truncate(value.ToString()) + "\"",
        _ when value.IsArray() => "an array",
        _ when value is Function => "a function",
        _ => value.IsObject() ? "an object" : "a " + value.Type.ToString().ToLowerInvariant(),
    };

    private static string Truncate(string text) =>
        text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
}
