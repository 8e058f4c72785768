using System.Globalization;
using System.Text.Json;
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

    /// <summary>Writes <paramref name="value"/>; returns null when done, or what makes it not JSON-serializable.</summary>
    public static string? TryWrite(Utf8JsonWriter writer, JsValue value)
    {
        var stack = new List<ObjectInstance>();
        return Write(writer, value, stack, "$");
    }

    private static string? Write(Utf8JsonWriter writer, JsValue value, List<ObjectInstance> stack, string path)
    {
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
                writer.WriteStringValue(value.AsString());
                return null;
        }

        var obj = value.AsObject();
        if (obj is FunctionInstance)
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

        if (obj.Get("toJSON") is { } toJson && toJson.IsObject() && toJson.AsObject() is FunctionInstance toJsonFunction)
        {
            var replaced = toJsonFunction.Call(obj, [new JsValue(string.Empty)]);
            if (!replaced.IsObject() || !ReferenceEquals(replaced.AsObject(), obj))
            {
                stack.Add(obj);
                var error = Write(writer, replaced, stack, path);
                stack.RemoveAt(stack.Count - 1);
                return error;
            }
        }

        switch (obj.Class)
        {
            case "Number":
                WriteNumber(writer, TypeConverter.ToNumber(obj));
                return null;
            case "String":
                writer.WriteStringValue(TypeConverter.ToString(obj));
                return null;
            case "Boolean":
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
                    var item = obj.Get(i.ToString(CultureInfo.InvariantCulture));
                    if (item.IsUndefined())
                    {
                        writer.WriteNullValue(); // as JSON.stringify does for holes and undefined items
                        continue;
                    }

                    var error = Write(writer, item, stack, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]");
                    if (error is not null)
                    {
                        return error;
                    }
                }

                writer.WriteEndArray();
                return null;
            }

            writer.WriteStartObject();
            foreach (var property in obj.GetOwnProperties().ToArray())
            {
                if (property.Value.Enumerable != true)
                {
                    continue;
                }

                var item = property.Value.IsAccessorDescriptor() ? obj.Get(property.Key) : property.Value.Value ?? JsValue.Undefined;
                if (item.IsUndefined())
                {
                    continue; // as JSON.stringify does
                }

                writer.WritePropertyName(property.Key);
                var error = Write(writer, item, stack, path + "." + property.Key);
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
