using System.Text.Json;
using Jint;
using Jint.Native;

namespace Sequin.Functions.Engines;

/// <summary>
/// The message JSON of the current call, from which lazily built argument properties take their values (see
/// <see cref="JsonToJsValue.ReadArguments"/>). It borrows the caller's buffer for the length of one call: each call
/// starts a new generation, and a slice of an earlier one refuses to read (the buffer may hold another message by
/// then). Nothing of one call is reachable from the next (the realm is frozen and the top level runs anew), so this
/// only guards against a bug.
/// </summary>
internal sealed class LazyJsonSource(Engine engine, PropertyNames names)
{
    private ReadOnlyMemory<byte> _json;

    /// <summary>The current call's generation.</summary>
    public int Generation { get; private set; }

    /// <summary>Starts a call over <paramref name="json"/>.</summary>
    public void Begin(ReadOnlyMemory<byte> json)
    {
        _json = json;
        Generation++;
    }

    /// <summary>Ends the call: its slices can no longer be read.</summary>
    public void End()
    {
        _json = default;
        Generation++;
    }

    private JsValue Build(int generation, int start, int end)
    {
        if (generation != Generation)
        {
            throw new InvalidOperationException("An argument of an earlier call was read after that call ended.");
        }

        var reader = new Utf8JsonReader(_json.Span[start..end], new JsonReaderOptions { MaxDepth = JsonToJsValue.MaxDepth });
        reader.Read();
        return JsonToJsValue.ReadValue(engine, ref reader, names);
    }

    /// <summary>One value of the message JSON.</summary>
    public readonly record struct Slice(LazyJsonSource Source, int Generation, int Start, int End)
    {
        /// <summary>Builds the value.</summary>
        public JsValue Build() => Source.Build(Generation, Start, End);
    }
}
