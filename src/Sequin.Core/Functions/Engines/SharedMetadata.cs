using System.Text.Json;
using Jint;
using Jint.Native;

namespace Sequin.Functions.Engines;

/// <summary>
/// The <c>metadata.consumer</c> and <c>metadata.database</c> objects of one engine, kept between calls while their JSON
/// does not change. They are frozen (deeply), so that a call cannot change what the next call sees. Also the last
/// string of each other metadata key (<c>table_schema</c>, <c>table_name</c>, ... repeat from message to message):
/// strings are immutable in JavaScript, so sharing them between calls shares nothing a call could change.
/// </summary>
internal sealed class SharedMetadata
{
    // Strings longer than this are not kept (they do not repeat: commit timestamps, idempotency keys).
    private const int MaxKeptString = 256;

    // At most this many keys are kept; metadata has about a dozen.
    private const int MaxKeptKeys = 32;

    private readonly byte[]?[] _json = new byte[]?[2];
    private readonly JsValue?[] _values = new JsValue?[2];
    private readonly Dictionary<string, (byte[] Raw, JsString Value)> _strings = new(StringComparer.Ordinal);

    /// <summary>The string the reader is positioned on (a string token), the same <see cref="JsString"/> as last time when its text repeats.</summary>
    public JsString GetString(string key, ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (reader.ValueIsEscaped || raw.Length > MaxKeptString)
        {
            return new JsString(reader.GetString()!);
        }

        if (_strings.TryGetValue(key, out var kept) && raw.SequenceEqual(kept.Raw))
        {
            return kept.Value;
        }

        var value = new JsString(reader.GetString()!);
        if (_strings.Count < MaxKeptKeys || _strings.ContainsKey(key))
        {
            _strings[key] = (raw.ToArray(), value);
        }

        return value;
    }

    /// <summary>Returns the cached object for <paramref name="raw"/>, or builds, freezes and caches it.</summary>
    public JsValue Get(Engine engine, int slot, ReadOnlySpan<byte> raw)
    {
        if (_values[slot] is { } cached && raw.SequenceEqual(_json[slot]))
        {
            return cached;
        }

        var reader = new Utf8JsonReader(raw, new JsonReaderOptions { MaxDepth = JsonToJsValue.MaxDepth });
        reader.Read();
        var value = JsonToJsValue.ReadValue(engine, ref reader);
        JintSandbox.Freeze(engine, value);
        _json[slot] = raw.ToArray();
        _values[slot] = value;
        return value;
    }
}
