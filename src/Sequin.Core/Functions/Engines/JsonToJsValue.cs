using System.Globalization;
using System.Text.Json;
using Jint;
using Jint.Native;
using Jint.Runtime;

namespace Sequin.Functions.Engines;

/// <summary>
/// Builds a function's arguments from the message JSON, so that JavaScript sees exactly what the sink would receive:
/// numbers, booleans, nested objects for json/jsonb, arrays, strings, nulls.
/// </summary>
internal static class JsonToJsValue
{
    /// <summary>
    /// Fills <paramref name="args"/> with <c>action, record, changes, metadata</c> read from the message JSON. Only the
    /// arguments flagged in <paramref name="used"/> are built (bit i = argument i); the others are left undefined,
    /// because building JavaScript objects is most of a call's cost and a function that never names an argument
    /// cannot see it. <c>record</c>, <c>changes</c> and <c>metadata</c> are <see cref="LazyJsonObject"/>s over a copy of
    /// the message JSON (the caller reuses its buffer; a script may keep an argument for a later call): each property
    /// is built when the script first reads it.
    /// </summary>
    public static void ReadArguments(Engine engine, ReadOnlySpan<byte> messageJson, JsValue[] args, int used = 0b1111, SharedMetadata? shared = null)
    {
        args[0] = JsValue.Undefined;
        args[1] = JsValue.Undefined;
        args[2] = JsValue.Null;
        args[3] = JsValue.Undefined;
        byte[]? owned = null;
        var reader = new Utf8JsonReader(messageJson, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidOperationException("The message JSON is not an object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = reader.ValueTextEquals("action"u8) ? 0
                : reader.ValueTextEquals("record"u8) ? 1
                : reader.ValueTextEquals("changes"u8) ? 2
                : reader.ValueTextEquals("metadata"u8) ? 3
                : -1;
            reader.Read();
            if (index < 0 || (used & (1 << index)) == 0)
            {
                reader.Skip();
                continue;
            }

            if (index > 0 && reader.TokenType == JsonTokenType.StartObject)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                owned ??= messageJson.ToArray();
                args[index] = new JsValue(new LazyJsonObject(engine, owned, start, (int)reader.BytesConsumed, index == 3 ? shared : null));
                continue;
            }

            args[index] = ReadValue(engine, ref reader);
        }
    }

    /// <summary>Reads the value the reader is positioned on (its first token).</summary>
    public static JsValue ReadValue(Engine engine, ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                {
                    var obj = engine.Object.Construct(Arguments.Empty);
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var name = reader.GetString()!;
                        reader.Read();
                        var value = ReadValue(engine, ref reader);
                        if (obj.HasOwnProperty(name))
                        {
                            obj.Put(name, value, false); // json (not jsonb) may repeat a key: the last one wins, as in JSON.parse
                        }
                        else
                        {
                            obj.FastAddProperty(name, value, true, true, true);
                        }
                    }

                    return obj;
                }

            case JsonTokenType.StartArray:
                {
                    var array = engine.Array.Construct(Arguments.Empty);
                    var i = 0;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        array.Put(i.ToString(CultureInfo.InvariantCulture), ReadValue(engine, ref reader), false);
                        i++;
                    }

                    return array;
                }

            case JsonTokenType.String:
                return new JsValue(reader.GetString()!);
            case JsonTokenType.Number:
                return reader.TryGetDouble(out var number)
                    ? new JsValue(number)
                    : new JsValue(double.Parse(System.Text.Encoding.UTF8.GetString(reader.ValueSpan), NumberStyles.Float, CultureInfo.InvariantCulture));
            case JsonTokenType.True:
                return JsValue.True;
            case JsonTokenType.False:
                return JsValue.False;
            default:
                return JsValue.Null;
        }
    }
}
