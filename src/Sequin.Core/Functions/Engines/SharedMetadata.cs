using System.Text.Json;
using Jint;
using Jint.Native;

namespace Sequin.Functions.Engines;

/// <summary>
/// The <c>metadata.consumer</c> and <c>metadata.database</c> objects of one engine, kept between calls while their JSON
/// does not change. They are frozen (deeply), so that a call cannot change what the next call sees.
/// </summary>
internal sealed class SharedMetadata
{
    private readonly byte[]?[] _json = new byte[]?[2];
    private readonly JsValue?[] _values = new JsValue?[2];

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
