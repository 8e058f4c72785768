using System.Text;
using System.Text.Json;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime.Descriptors;

namespace Sequin.Functions.Engines;

/// <summary>
/// The message JSON of the current call, from which <see cref="LazyJsonObject"/> arguments and lazily built property
/// values take their values (see <see cref="JsonToJsValue.ReadArguments"/>). It borrows the caller's buffer for the
/// length of one call: each call starts a new generation, and an object or slice of an earlier one refuses to read
/// (the buffer may hold another message by then). Nothing of one call is reachable from the next (the realm is frozen
/// and the top level runs anew), so this only guards against a bug.
/// </summary>
internal sealed class LazyJsonSource(Engine engine, PropertyNames names)
{
    // Names up to this length are encoded on the stack.
    private const int MaxStackName = 64;

    private ReadOnlyMemory<byte> _json;

    /// <summary>What <see cref="Find"/> found.</summary>
    public enum FindResult
    {
        /// <summary>No property of that name.</summary>
        Missing,

        /// <summary>A primitive value (or a cached, frozen metadata object): handed over, nothing stored.</summary>
        Value,

        /// <summary>An object or array: the caller builds the object's properties instead, so that reads keep its identity.</summary>
        Composite,
    }

    /// <summary>The exact text of the current call's numbers that a JavaScript number does not hold as written.</summary>
    public ExactNumbers Numbers { get; } = new();

    /// <summary>The current call's generation.</summary>
    public int Generation { get; private set; }

    /// <summary>Starts a call over <paramref name="json"/>.</summary>
    public void Begin(ReadOnlyMemory<byte> json)
    {
        _json = json;
        Numbers.Clear();
        Generation++;
    }

    /// <summary>Ends the call: its slices can no longer be read.</summary>
    public void End()
    {
        _json = default;
        Numbers.Clear();
        Generation++;
    }

    /// <summary>
    /// Finds the property <paramref name="name"/> of the object at <c>[start, end)</c>: <c>record</c>, <c>changes</c>
    /// or <c>metadata</c>, whose keys are unique (column names are unique in a table), so the first match is the one.
    /// </summary>
    public FindResult Find(int generation, int start, int end, string name, SharedMetadata? shared, out JsValue value)
    {
        var reader = Open(generation, start, end);
        var result = FindResult.Missing;
        value = JsValue.Undefined;
        var valueStart = 0;
        var slot = -1;

        // The name in UTF-8 once, rather than transcoded again for every property compared.
        Span<byte> utf8 = stackalloc byte[MaxStackName * 3];
        var utf8Name = name.Length <= MaxStackName ? utf8[..Encoding.UTF8.GetBytes(name, utf8)] : Encoding.UTF8.GetBytes(name);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(utf8Name);
            reader.Read();
            if (!match)
            {
                reader.Skip();
                continue;
            }

            valueStart = (int)reader.TokenStartIndex;
            slot = shared is null ? -1 : name == "consumer" ? 0 : name == "database" ? 1 : -1;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                result = slot >= 0 && reader.TokenType == JsonTokenType.StartObject ? FindResult.Value : FindResult.Composite;
                reader.Skip();
                if (result == FindResult.Value)
                {
                    value = shared!.Get(engine, slot, _json.Span.Slice(start + valueStart, (int)reader.BytesConsumed - valueStart));
                }
            }
            else
            {
                result = FindResult.Value;
                value = shared is not null && reader.TokenType == JsonTokenType.String
                    ? shared.GetString(name, ref reader)
                    : JsonToJsValue.ReadValue(engine, ref reader, names, Numbers);
            }

            break;
        }

        return result;
    }

    /// <summary>Gives <paramref name="target"/> every property of the object at <c>[start, end)</c>, in order.</summary>
    public void Populate(ObjectInstance target, int generation, int start, int end, SharedMetadata? shared)
    {
        var reader = Open(generation, start, end);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var slot = shared is null ? -1 : reader.ValueTextEquals("consumer"u8) ? 0 : reader.ValueTextEquals("database"u8) ? 1 : -1;
            var name = names.Get(ref reader);
            reader.Read();
            var valueStart = (int)reader.TokenStartIndex;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.String)
            {
                reader.Skip();
                var valueEnd = (int)reader.BytesConsumed;
                if (target.HasOwnProperty(name))
                {
                    target.Set(name, slot >= 0 ? SharedValue(shared!, slot, start, valueStart, valueEnd) : Build(generation, start + valueStart, start + valueEnd));
                }
                else if (slot >= 0 && _json.Span[start + valueStart] == (byte)'{')
                {
                    target.FastSetProperty(name, new PropertyDescriptor(SharedValue(shared!, slot, start, valueStart, valueEnd), PropertyFlag.ConfigurableEnumerableWritable));
                }
                else
                {
                    target.FastSetProperty(name, PropertyDescriptor.CreateLazy(
                        new Slice(this, generation, start + valueStart, start + valueEnd),
                        static slice => slice.Build(),
                        PropertyFlag.ConfigurableEnumerableWritable));
                }

                continue;
            }

            var value = JsonToJsValue.ReadValue(engine, ref reader, names, Numbers);
            if (target.HasOwnProperty(name))
            {
                target.Set(name, value); // json (not jsonb) may repeat a key: the last one wins, as in JSON.parse
            }
            else
            {
                target.FastSetProperty(name, new PropertyDescriptor(value, PropertyFlag.ConfigurableEnumerableWritable));
            }
        }
    }

    private JsValue SharedValue(SharedMetadata shared, int slot, int start, int valueStart, int valueEnd) =>
        shared.Get(engine, slot, _json.Span.Slice(start + valueStart, valueEnd - valueStart));

    private Utf8JsonReader Open(int generation, int start, int end)
    {
        if (generation != Generation)
        {
            throw new InvalidOperationException("An argument of an earlier call was read after that call ended.");
        }

        var reader = new Utf8JsonReader(_json.Span[start..end], new JsonReaderOptions { MaxDepth = JsonToJsValue.MaxDepth });
        reader.Read(); // the object's {
        return reader;
    }

    private JsValue Build(int generation, int start, int end)
    {
        if (generation != Generation)
        {
            throw new InvalidOperationException("An argument of an earlier call was read after that call ended.");
        }

        var reader = new Utf8JsonReader(_json.Span[start..end], new JsonReaderOptions { MaxDepth = JsonToJsValue.MaxDepth });
        reader.Read();
        return JsonToJsValue.ReadValue(engine, ref reader, names, Numbers);
    }

    /// <summary>One value of the message JSON.</summary>
    public readonly record struct Slice(LazyJsonSource Source, int Generation, int Start, int End)
    {
        /// <summary>Builds the value.</summary>
        public JsValue Build() => Source.Build(Generation, Start, End);
    }
}
