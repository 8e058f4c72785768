using System.Text.Json;
using Jint;
using Jint.Native;
using Jint.Runtime.Descriptors;
using Sequin.Messages;

namespace Sequin.Functions.Engines;

/// <summary>
/// Builds a function's arguments from the message JSON, so that JavaScript sees exactly what the sink would receive:
/// numbers, booleans, nested objects for json/jsonb, arrays, strings, nulls.
/// </summary>
internal static class JsonToJsValue
{
    /// <summary>
    /// The deepest nesting read from a message (json/jsonb columns included): as deep as a message may be
    /// (<see cref="ChangeMessageJsonWriter.MaxDepth"/>). Reading recurses per level, on the function thread's large stack.
    /// </summary>
    public const int MaxDepth = ChangeMessageJsonWriter.MaxDepth;

    /// <summary>
    /// Fills <paramref name="args"/> with <c>action, record, changes, metadata</c> read from the message JSON. Only the
    /// arguments flagged in <paramref name="used"/> are built (bit i = argument i); the others are left undefined,
    /// because building JavaScript objects is most of the cost of a call and a function that never names an argument
    /// cannot see it. Every call gets new objects: nothing one call changes in them reaches the next. With a
    /// <paramref name="lazy"/> source, <c>record</c>, <c>changes</c> and <c>metadata</c> are <see cref="LazyJsonObject"/>s:
    /// nothing of them is built until the code reads it (a json/jsonb column the function never touches is never
    /// parsed); the source must stay valid until the call's results have been read.
    /// </summary>
    public static void ReadArguments(Engine engine, ReadOnlySpan<byte> messageJson, JsValue[] args, int used = 0b1111, SharedMetadata? shared = null, PropertyNames? names = null, LazyJsonSource? lazy = null, MessageJsonLayout? layout = null)
    {
        args[0] = JsValue.Undefined;
        args[1] = JsValue.Undefined;
        args[2] = JsValue.Null;
        args[3] = JsValue.Undefined;
        if (layout is { } at && lazy is not null)
        {
            // The writer said where the values lie: no scan.
            if ((used & 0b0001) != 0)
            {
                args[0] = ReadSlice(engine, messageJson, at.ActionStart, at.ActionEnd, names, lazy.Numbers);
            }

            if ((used & 0b0010) != 0)
            {
                args[1] = ReadLazy(engine, messageJson, at.RecordStart, at.RecordEnd, lazy, null, names);
            }

            if ((used & 0b0100) != 0)
            {
                args[2] = ReadLazy(engine, messageJson, at.ChangesStart, at.ChangesEnd, lazy, null, names);
            }

            if ((used & 0b1000) != 0)
            {
                args[3] = ReadLazy(engine, messageJson, at.MetadataStart, at.MetadataEnd, lazy, shared, names);
            }

            return;
        }

        var reader = new Utf8JsonReader(messageJson, new JsonReaderOptions { MaxDepth = MaxDepth });
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

            if (index > 0 && lazy is not null && reader.TokenType == JsonTokenType.StartObject)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                args[index] = new LazyJsonObject(engine, lazy, start, (int)reader.BytesConsumed, index == 3 ? shared : null);
                continue;
            }

            args[index] = index == 3 && shared is not null && reader.TokenType == JsonTokenType.StartObject
                ? ReadMetadata(engine, messageJson, ref reader, shared, names, lazy?.Numbers)
                : ReadValue(engine, ref reader, names, lazy?.Numbers);
        }
    }

    private static JsValue ReadLazy(Engine engine, ReadOnlySpan<byte> json, int start, int end, LazyJsonSource lazy, SharedMetadata? shared, PropertyNames? names) =>
        json[start] == (byte)'{'
            ? new LazyJsonObject(engine, lazy, start, end, shared)
            : ReadSlice(engine, json, start, end, names, lazy.Numbers);

    private static JsValue ReadSlice(Engine engine, ReadOnlySpan<byte> json, int start, int end, PropertyNames? names, ExactNumbers? exact)
    {
        var reader = new Utf8JsonReader(json[start..end], new JsonReaderOptions { MaxDepth = MaxDepth });
        reader.Read();
        return ReadValue(engine, ref reader, names, exact);
    }

    /// <summary>
    /// Reads the value the reader is positioned on (its first token). Numbers as <see cref="ExactNumbers.Read"/> makes
    /// them: those a double does not hold as written are kept in <paramref name="exact"/> with their text.
    /// </summary>
    public static JsValue ReadValue(Engine engine, ref Utf8JsonReader reader, PropertyNames? names = null, ExactNumbers? exact = null)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                {
                    var obj = new JsObject(engine);
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var name = names is null ? reader.GetString()! : names.Get(ref reader);
                        reader.Read();
                        AddProperty(obj, name, ReadValue(engine, ref reader, names, exact));
                    }

                    return obj;
                }

            case JsonTokenType.StartArray:
                {
                    var items = new List<JsValue>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        items.Add(ReadValue(engine, ref reader, names, exact));
                    }

                    return new JsArray(engine, items.ToArray());
                }

            case JsonTokenType.String:
                return new JsString(reader.GetString()!);
            case JsonTokenType.Number:
                return ExactNumbers.Read(reader.ValueSpan, exact);
            case JsonTokenType.True:
                return JsBoolean.True;
            case JsonTokenType.False:
                return JsBoolean.False;
            default:
                return JsValue.Null;
        }
    }

    // metadata, with its consumer and database objects taken from the engine's frozen cache.
    private static JsObject ReadMetadata(Engine engine, ReadOnlySpan<byte> json, ref Utf8JsonReader reader, SharedMetadata shared, PropertyNames? names, ExactNumbers? exact)
    {
        var obj = new JsObject(engine);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var slot = reader.ValueTextEquals("consumer"u8) ? 0 : reader.ValueTextEquals("database"u8) ? 1 : -1;
            var name = names is null ? reader.GetString()! : names.Get(ref reader);
            reader.Read();
            if (slot >= 0 && reader.TokenType == JsonTokenType.StartObject)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                var end = (int)reader.BytesConsumed;
                AddProperty(obj, name, shared.Get(engine, slot, json[start..end]));
                continue;
            }

            AddProperty(obj, name, ReadValue(engine, ref reader, names, exact));
        }

        return obj;
    }

    private static void AddProperty(JsObject obj, string name, JsValue value)
    {
        if (obj.HasOwnProperty(name))
        {
            obj.Set(name, value); // json (not jsonb) may repeat a key: the last one wins, as in JSON.parse
        }
        else
        {
            obj.FastSetProperty(name, new PropertyDescriptor(value, PropertyFlag.ConfigurableEnumerableWritable));
        }
    }
}
