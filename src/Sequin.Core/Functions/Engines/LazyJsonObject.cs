using System.Text;
using System.Text.Json;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime.Descriptors;

namespace Sequin.Functions.Engines;

/// <summary>
/// A plain JavaScript object (<c>Object.prototype</c>, extensible, every property writable, enumerable and configurable)
/// whose properties are read from a JSON object only when the script first names them: building every column of
/// <c>record</c> and every field of <c>metadata</c> was most of a call's cost, and a function reads few of them.
/// </summary>
/// <remarks>
/// <para>
/// It behaves as the object <see cref="JsonToJsValue.ReadValue"/> would build: the same values (built by it), the same
/// property order when enumerated (the JSON's order, properties added by the script after them), deletions, additions
/// and assignments. Every access of Jint 2 to an object's own properties goes through the virtual methods overridden
/// here (<see cref="ObjectInstance.Properties"/> is protected), so a property is added to the dictionary before
/// anything can see or change it.
/// </para>
/// <para>
/// The JSON is owned (a copy made for the call), never the caller's reused buffer: a script may keep the object in a
/// global and read it during a later call, and must then see this message's values, not the next one's.
/// </para>
/// </remarks>
internal sealed class LazyJsonObject : ObjectInstance
{
    private readonly byte[] _json;
    private readonly int _start;
    private readonly int _end;
    private readonly SharedMetadata? _shared;
    private Entry[]? _entries;
    private int _count;
    private bool _complete;

    /// <param name="engine">The engine.</param>
    /// <param name="json">The owned JSON; <paramref name="start"/>..<paramref name="end"/> is one JSON object.</param>
    /// <param name="start">Where the object starts (its <c>{</c>).</param>
    /// <param name="end">Where it ends (after its <c>}</c>).</param>
    /// <param name="shared">For <c>metadata</c>: its frozen, cached <c>consumer</c> and <c>database</c> objects.</param>
    public LazyJsonObject(Engine engine, byte[] json, int start, int end, SharedMetadata? shared)
        : base(engine)
    {
        _json = json;
        _start = start;
        _end = end;
        _shared = shared;
        Prototype = engine.Object.PrototypeObject;
        Extensible = true;
    }

    /// <inheritdoc />
    public override PropertyDescriptor GetOwnProperty(string propertyName)
    {
        Take(propertyName);
        return base.GetOwnProperty(propertyName);
    }

    /// <inheritdoc />
    public override bool HasOwnProperty(string p)
    {
        Take(p);
        return base.HasOwnProperty(p);
    }

    /// <inheritdoc />
    public override void RemoveOwnProperty(string p)
    {
        Take(p);
        base.RemoveOwnProperty(p);
    }

    /// <inheritdoc />
    protected override void SetOwnProperty(string propertyName, PropertyDescriptor desc)
    {
        Take(propertyName);
        base.SetOwnProperty(propertyName, desc);
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, PropertyDescriptor>> GetOwnProperties()
    {
        Complete();
        return base.GetOwnProperties();
    }

    /// <summary>Moves the JSON's property <paramref name="name"/>, if it has one not yet taken, into the dictionary.</summary>
    private void Take(string name)
    {
        if (_complete)
        {
            return;
        }

        var entries = Index();
        var found = -1;
        for (var i = 0; i < _count; i++)
        {
            if (NameEquals(entries[i], name))
            {
                found = i; // a repeated key: the last one wins, as in JSON.parse
            }
        }

        if (found < 0 || entries[found].Taken)
        {
            return;
        }

        for (var i = 0; i < _count; i++)
        {
            if (NameEquals(entries[i], name))
            {
                entries[i].Taken = true;
            }
        }

        base.SetOwnProperty(name, new PropertyDescriptor(BuildValue(entries[found], name), true, true, true));
    }

    /// <summary>
    /// Puts every property in the dictionary, in the order of the eagerly built object: the JSON's properties (those
    /// taken earlier keep their descriptor, those deleted stay deleted), then the ones the script added.
    /// </summary>
    private void Complete()
    {
        if (_complete)
        {
            return;
        }

        var entries = Index();
        var existing = new List<KeyValuePair<string, PropertyDescriptor>>(base.GetOwnProperties());
        var byName = new Dictionary<string, PropertyDescriptor>(existing.Count, StringComparer.Ordinal);
        foreach (var pair in existing)
        {
            byName[pair.Key] = pair.Value;
        }

        Properties.Clear(); // not one by one: a dictionary reuses freed slots last-first, which would reverse the order

        _complete = true;
        for (var i = 0; i < _count; i++)
        {
            var name = Name(entries[i]);
            if (entries[i].Taken)
            {
                if (byName.Remove(name, out var kept) && !base.HasOwnProperty(name))
                {
                    base.SetOwnProperty(name, kept);
                }

                continue;
            }

            var last = i;
            for (var j = i + 1; j < _count; j++)
            {
                if (NameEquals(entries[j], name))
                {
                    last = j;
                    entries[j].Taken = true;
                }
            }

            entries[i].Taken = true;
            if (!base.HasOwnProperty(name))
            {
                base.SetOwnProperty(name, new PropertyDescriptor(BuildValue(entries[last], name), true, true, true));
            }
        }

        foreach (var pair in existing)
        {
            if (byName.Remove(pair.Key, out var added))
            {
                base.SetOwnProperty(pair.Key, added);
            }
        }
    }

    private JsValue BuildValue(in Entry entry, string name)
    {
        var raw = _json.AsSpan(entry.ValueStart, entry.ValueEnd - entry.ValueStart);
        if (_shared is not null && raw[0] == (byte)'{')
        {
            var slot = name == "consumer" ? 0 : name == "database" ? 1 : -1;
            if (slot >= 0)
            {
                return _shared.Get(Engine, slot, raw);
            }
        }

        var reader = new Utf8JsonReader(raw, new JsonReaderOptions { MaxDepth = 256 });
        reader.Read();
        return JsonToJsValue.ReadValue(Engine, ref reader);
    }

    private Entry[] Index()
    {
        if (_entries is not null)
        {
            return _entries;
        }

        var entries = new Entry[8];
        var reader = new Utf8JsonReader(_json.AsSpan(_start, _end - _start), new JsonReaderOptions { MaxDepth = 256 });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var nameStart = _start + (int)reader.TokenStartIndex + 1;
            var nameLength = reader.ValueSpan.Length;
            var escaped = reader.ValueIsEscaped ? reader.GetString() : null;
            reader.Read();
            var valueStart = _start + (int)reader.TokenStartIndex;
            reader.Skip();
            if (_count == entries.Length)
            {
                Array.Resize(ref entries, entries.Length * 2);
            }

            entries[_count++] = new Entry(nameStart, nameLength, escaped, valueStart, _start + (int)reader.BytesConsumed);
        }

        _entries = entries;
        return entries;
    }

    private string Name(in Entry entry) =>
        entry.EscapedName ?? Encoding.UTF8.GetString(_json, entry.NameStart, entry.NameLength);

    private bool NameEquals(in Entry entry, string name)
    {
        if (entry.EscapedName is not null)
        {
            return string.Equals(entry.EscapedName, name, StringComparison.Ordinal);
        }

        var raw = _json.AsSpan(entry.NameStart, entry.NameLength);
        if (System.Text.Ascii.Equals(raw, name))
        {
            return true;
        }

        // Not equal as ASCII: equal only if one of them is not ASCII and they still decode to the same text.
        return !(System.Text.Ascii.IsValid(raw) && System.Text.Ascii.IsValid(name))
            && string.Equals(Encoding.UTF8.GetString(raw), name, StringComparison.Ordinal);
    }

    private struct Entry(int nameStart, int nameLength, string? escapedName, int valueStart, int valueEnd)
    {
        public readonly int NameStart = nameStart;
        public readonly int NameLength = nameLength;
        public readonly string? EscapedName = escapedName;
        public readonly int ValueStart = valueStart;
        public readonly int ValueEnd = valueEnd;
        public bool Taken;
    }
}
