using System.Globalization;
using System.Text.Json;
using Jint;
using Jint.Native;
using Jint.Native.Function;
using Jint.Native.Object;
using Jint.Runtime;

namespace Sequin.Functions.Engines;

/// <summary>
/// Writes a transform's return value as JSON, like <c>JSON.stringify</c> (an object's <c>undefined</c> properties are
/// left out, <c>toJSON</c> is honoured, NaN and Infinity become null) but stricter: a function anywhere, an
/// <c>undefined</c> result and a cyclic value are errors rather than silently dropped or fatal.
/// </summary>
internal static class JsValueJsonWriter
{
    private const int MaxDepth = 64;

    private static readonly Type? BoxedNumber = typeof(JsValue).Assembly.GetType("Jint.Native.Number.NumberInstance");
    private static readonly Type? BoxedString = typeof(JsValue).Assembly.GetType("Jint.Native.String.StringInstance");
    private static readonly Type? BoxedBoolean = typeof(JsValue).Assembly.GetType("Jint.Native.Boolean.BooleanInstance");

    /// <summary>Writes <paramref name="value"/>; returns null when done, or what makes it not JSON-serializable.</summary>
    public static string? TryWrite(Engine engine, Utf8JsonWriter writer, JsValue value)
    {
        var stack = new List<ObjectInstance>();
        var steps = 0;
        return Write(engine, writer, value, stack, "$", ref steps);
    }

    private static string? Write(Engine engine, Utf8JsonWriter writer, JsValue value, List<ObjectInstance> stack, string path, ref int steps)
    {
        if (++steps % 1024 == 0)
        {
            engine.Constraints.Check(); // a huge value must not outlast the time limit
        }

        switch (value.Type)
        {
            case Types.Undefined:
                return $"undefined at {path}";
            case Types.Null:
                writer.WriteNullValue();
                return null;
            case Types.Boolean:
                writer.WriteBooleanValue(value.AsBoolean());
                return null;
            case Types.Number:
                WriteNumber(writer, value.AsNumber());
                return null;
            case Types.String:
                writer.WriteStringValue(value.ToString());
                return null;
            case Types.BigInt:
                return $"a BigInt at {path}";
            case Types.Symbol:
                return $"a symbol at {path}";
        }

        var obj = value.AsObject();
        if (obj is Function)
        {
            return $"a function at {path}";
        }

        if (stack.Count >= MaxDepth)
        {
            return $"a value nested deeper than {MaxDepth} levels at {path}";
        }

        foreach (var seen in stack)
        {
            if (ReferenceEquals(seen, obj))
            {
                return $"a cyclic value at {path}";
            }
        }

        if (obj.Get("toJSON") is Function toJsonFunction)
        {
            var replaced = engine.Call(toJsonFunction, obj, [JsString.Empty]);
            if (!replaced.IsObject() || !ReferenceEquals(replaced.AsObject(), obj))
            {
                stack.Add(obj);
                var error = Write(engine, writer, replaced, stack, path, ref steps);
                stack.RemoveAt(stack.Count - 1);
                return error;
            }
        }

        // Boxed primitives (new Number(1), new String("a"), new Boolean(true)): Jint 4 keeps their classes internal.
        if (BoxedNumber?.IsInstanceOfType(obj) == true)
        {
            WriteNumber(writer, TypeConverter.ToNumber(obj));
            return null;
        }

        if (BoxedString?.IsInstanceOfType(obj) == true)
        {
            writer.WriteStringValue(TypeConverter.ToString(obj));
            return null;
        }

        if (BoxedBoolean?.IsInstanceOfType(obj) == true)
        {
            writer.WriteBooleanValue(TypeConverter.ToBoolean(TypeConverter.ToPrimitive(obj)));
            return null;
        }

        stack.Add(obj);
        try
        {
            if (value.IsArray())
            {
                var length = (long)TypeConverter.ToNumber(obj.Get("length"));
                writer.WriteStartArray();
                for (long i = 0; i < length; i++)
                {
                    var item = obj.Get(JsNumber.Create(i));
                    if (item.IsUndefined())
                    {
                        writer.WriteNullValue(); // as JSON.stringify does for holes and undefined items
                        continue;
                    }

                    var error = Write(engine, writer, item, stack, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", ref steps);
                    if (error is not null)
                    {
                        return error;
                    }
                }

                writer.WriteEndArray();
                return null;
            }

            writer.WriteStartObject();
            foreach (var key in obj.GetOwnPropertyKeys(Types.String))
            {
                var property = obj.GetOwnProperty(key);
                if (!property.Enumerable)
                {
                    continue;
                }

                var item = property.IsAccessorDescriptor() ? obj.Get(key) : property.Value ?? JsValue.Undefined;
                if (item.IsUndefined())
                {
                    continue; // as JSON.stringify does
                }

                var name = key.ToString();
                writer.WritePropertyName(name);
                var error = Write(engine, writer, item, stack, path + "." + name, ref steps);
                if (error is not null)
                {
                    return error;
                }
            }

            writer.WriteEndObject();
            return null;
        }
        finally
        {
            stack.RemoveAt(stack.Count - 1);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, double number)
    {
        if (double.IsNaN(number) || double.IsInfinity(number))
        {
            writer.WriteNullValue();
        }
        else if (number == Math.Floor(number) && Math.Abs(number) < 9007199254740992d)
        {
            writer.WriteNumberValue((long)number);
        }
        else
        {
            writer.WriteNumberValue(number);
        }
    }
}
