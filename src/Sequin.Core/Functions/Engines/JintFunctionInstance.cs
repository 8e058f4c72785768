using System.Buffers;
using System.Text.Json;
using Jint;
using Jint.Native;
using Jint.Native.Function;
using Jint.Runtime;

namespace Sequin.Functions.Engines;

/// <summary>A function loaded in its own Jint engine. Not thread-safe.</summary>
internal sealed class JintFunctionInstance : IFunctionInstance
{
    private readonly FunctionDefinition _definition;
    private readonly FunctionLimits _limits;
    private readonly Engine _engine;
    private readonly FunctionInstance _function;
    private readonly JsValue[] _args = new JsValue[4];
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly int _usedArguments;
    private readonly SharedMetadata _sharedMetadata = new();

    public JintFunctionInstance(FunctionDefinition definition, FunctionLimits limits, Engine engine, FunctionInstance function, int usedArguments)
    {
        _usedArguments = usedArguments;
        _definition = definition;
        _limits = limits;
        _engine = engine;
        _function = function;
    }

    /// <inheritdoc />
    public bool InvokeFilter(in FunctionInput input)
    {
        var result = Call(input);
        if (!result.IsBoolean())
        {
            throw JintErrors.Contract(_definition, $"returned {Describe(result)}. Filter functions must return true or false.");
        }

        return result.AsBoolean();
    }

    /// <inheritdoc />
    public void InvokeRoute(in FunctionInput input, List<RouteEntry> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var result = Call(input);
        if (!result.IsObject() || result.IsArray() || result.AsObject() is FunctionInstance)
        {
            throw JintErrors.Contract(_definition, $"returned {Describe(result)}. Routing functions must return an object, e.g. {{ topic: \"...\" }}.");
        }

        try
        {
            Guard();
            var obj = result.AsObject();
            foreach (var property in obj.GetOwnProperties().ToArray())
            {
                if (property.Value.Enumerable != true)
                {
                    continue;
                }

                var value = property.Value.IsAccessorDescriptor() ? obj.Get(property.Key) : property.Value.Value ?? JsValue.Undefined;
                output.Add(value.Type switch
                {
                    Types.String => new RouteEntry(property.Key, RouteValueKind.String, value.AsString()),
                    Types.Number => new RouteEntry(property.Key, RouteValueKind.Number, TypeConverter.ToString(value)),
                    Types.Null => new RouteEntry(property.Key, RouteValueKind.Null, null),
                    Types.Undefined => new RouteEntry(property.Key, RouteValueKind.Undefined, null),
                    _ => new RouteEntry(property.Key, RouteValueKind.Other, Describe(value)),
                });
            }
        }
        catch (Exception e) when (e is not FunctionException and not OutOfMemoryException)
        {
            throw JintErrors.FromException(_definition, _limits, e, _engine);
        }
    }

    /// <inheritdoc />
    public byte[] InvokeTransform(in FunctionInput input)
    {
        var result = Call(input);
        if (result.IsUndefined())
        {
            throw JintErrors.Contract(_definition, "returned undefined. Return value is not JSON serializable: a transform must return a JSON value (did you forget `return`?).");
        }

        _buffer.ResetWrittenCount();
        string? error;
        try
        {
            Guard();
            using var writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = false });
            error = JsValueJsonWriter.TryWrite(writer, result);
            if (error is null)
            {
                writer.Flush();
            }
        }
        catch (Exception e) when (e is not FunctionException and not OutOfMemoryException)
        {
            throw JintErrors.FromException(_definition, _limits, e, _engine);
        }

        if (error is not null)
        {
            throw JintErrors.Contract(_definition, "returned a value that is not JSON serializable: " + error + ".");
        }

        return _buffer.WrittenSpan.ToArray();
    }

    private JsValue Call(in FunctionInput input)
    {
        try
        {
            Guard();
            JsonToJsValue.ReadArguments(_engine, input.MessageJson.Span, _args, _usedArguments, _sharedMetadata);
            return _function.Call(JsValue.Undefined, _args);
        }
        catch (Exception e) when (e is not FunctionException and not OutOfMemoryException)
        {
            throw JintErrors.FromException(_definition, _limits, e, _engine);
        }
    }

    // Jint 2 measures time and statements from the last Execute, not per call: restart both before each call.
    private void Guard()
    {
        _engine.ResetTimeoutTicks();
        _engine.ResetStatementsCount();
        _engine.ResetCallStack();
    }

    private static string Describe(JsValue value) => value.Type switch
    {
        Types.Undefined => "undefined",
        Types.Null => "null",
        Types.Boolean => "boolean " + (value.AsBoolean() ? "true" : "false"),
        Types.Number => "number " + TypeConverter.ToString(value),
        Types.String => "string \"" + Truncate(value.AsString()) + "\"",
        _ when value.IsArray() => "an array",
        _ when value.AsObject() is FunctionInstance => "a function",
        _ => "an object",
    };

    private static string Truncate(string text) =>
        text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
}
