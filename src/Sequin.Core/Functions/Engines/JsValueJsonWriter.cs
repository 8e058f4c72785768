using System.Globalization;
using System.Text;
using System.Text.Json;
using Jint;
using Jint.Native;
using Jint.Native.Function;
using Jint.Native.Object;
using Jint.Runtime;
using Sequin.Messages;

namespace Sequin.Functions.Engines;

/// <summary>
/// Writes a transform's return value as JSON, like <c>JSON.stringify</c> (an object's <c>undefined</c> properties are
/// left out, <c>toJSON</c> is honoured, NaN and Infinity become null) but stricter: a function anywhere, an
/// <c>undefined</c> result and a cyclic value are errors rather than silently dropped or fatal. Text is written with
/// the default payload's rules (<see cref="ChangeMessageJsonWriter.WriterOptions"/>, given by the caller): UTF-8 as
/// itself, only the escapes JSON requires.
/// </summary>
internal sealed class JsValueJsonWriter
{
    /// <summary>
    /// The deepest nesting written: as deep as a message may be (<see cref="ChangeMessageJsonWriter.MaxDepth"/>), so
    /// that a json/jsonb value the function passes through is written intact. Writing recurses per level, on the
    /// function thread's large stack; a deeper value is an error that says so.
    /// </summary>
    public const int MaxDepth = ChangeMessageJsonWriter.MaxDepth;

    // How many levels an error's path shows at each end.
    private const int PathEnds = 8;

    private static readonly Type? BoxedNumber = typeof(JsValue).Assembly.GetType("Jint.Native.Number.NumberInstance");
    private static readonly Type? BoxedString = typeof(JsValue).Assembly.GetType("Jint.Native.String.StringInstance");
    private static readonly Type? BoxedBoolean = typeof(JsValue).Assembly.GetType("Jint.Native.Boolean.BooleanInstance");

    private readonly Engine _engine;
    private readonly Utf8JsonWriter _writer;
    private readonly ExactNumbers? _exact;

    // The objects being written, outermost first, with the key each was reached by (a string or an index): the stack
    // names the path in an error; the set finds a cycle without walking the stack.
    private readonly List<(ObjectInstance Obj, object? Key)> _stack = [];
    private readonly HashSet<ObjectInstance> _open = new(ReferenceEqualityComparer.Instance);
    private int _steps;

    private JsValueJsonWriter(Engine engine, Utf8JsonWriter writer, ExactNumbers? exact)
    {
        _engine = engine;
        _writer = writer;
        _exact = exact;
    }

    /// <summary>
    /// Writes <paramref name="value"/>; returns null when done, or what makes it not JSON-serializable. A number or
    /// string the function received from the message and returned untouched (kept in <paramref name="exact"/>) is
    /// written as the message had it.
    /// </summary>
    public static string? TryWrite(Engine engine, Utf8JsonWriter writer, JsValue value, ExactNumbers? exact = null) =>
        new JsValueJsonWriter(engine, writer, exact).Write(value, null);

    private string? Write(JsValue value, object? key)
    {
        if (++_steps % 1024 == 0)
        {
            _engine.Constraints.Check(); // a huge value must not outlast the time limit
        }

        switch (value.Type)
        {
            case Types.Undefined:
                return $"undefined at {Path(key)}";
            case Types.Null:
                _writer.WriteNullValue();
                return null;
            case Types.Boolean:
                _writer.WriteBooleanValue(value.AsBoolean());
                return null;
            case Types.Number:
                if (_exact is { Count: > 0 } && _exact.TryGetText(value, out var number))
                {
                    _writer.WriteRawValue(number, skipInputValidation: true); // a number token of the message JSON
                    return null;
                }

                WriteNumber(_writer, value.AsNumber());
                return null;
            case Types.String:
                if (_exact is { Count: > 0 } && _exact.TryGetText(value, out var digits))
                {
                    _writer.WriteRawValue(digits, skipInputValidation: true); // a number beyond the double range
                    return null;
                }

                _writer.WriteStringValue(value.ToString());
                return null;
            case Types.BigInt:
                return $"a BigInt at {Path(key)}";
            case Types.Symbol:
                return $"a symbol at {Path(key)}";
        }

        var obj = value.AsObject();
        if (obj is Function)
        {
            return $"a function at {Path(key)}";
        }

        if (_open.Contains(obj))
        {
            return $"a cyclic value at {Path(key)}";
        }

        if (_stack.Count >= MaxDepth)
        {
            return $"a value nested deeper than {MaxDepth} levels at {Path(key)}";
        }

        if (obj.Get("toJSON") is Function toJsonFunction)
        {
            var replaced = _engine.Call(toJsonFunction, obj, [JsString.Empty]);
            if (!replaced.IsObject() || !ReferenceEquals(replaced.AsObject(), obj))
            {
                Push(obj, key);
                var error = Write(replaced, null);
                Pop(obj);
                return error;
            }
        }

        // Boxed primitives (new Number(1), new String("a"), new Boolean(true)): Jint 4 keeps their classes internal.
        if (BoxedNumber?.IsInstanceOfType(obj) == true)
        {
            WriteNumber(_writer, TypeConverter.ToNumber(obj));
            return null;
        }

        if (BoxedString?.IsInstanceOfType(obj) == true)
        {
            _writer.WriteStringValue(TypeConverter.ToString(obj));
            return null;
        }

        if (BoxedBoolean?.IsInstanceOfType(obj) == true)
        {
            _writer.WriteBooleanValue(TypeConverter.ToBoolean(TypeConverter.ToPrimitive(obj)));
            return null;
        }

        Push(obj, key);
        try
        {
            return value.IsArray() ? WriteArray(obj) : WriteObject(obj);
        }
        finally
        {
            Pop(obj);
        }
    }

    private string? WriteArray(ObjectInstance array)
    {
        var length = (long)TypeConverter.ToNumber(array.Get("length"));
        _writer.WriteStartArray();
        for (long i = 0; i < length; i++)
        {
            var item = array.Get(JsNumber.Create(i));
            if (item.IsUndefined())
            {
                _writer.WriteNullValue(); // as JSON.stringify does for holes and undefined items
                continue;
            }

            if (Write(item, i) is { } error)
            {
                return error;
            }
        }

        _writer.WriteEndArray();
        return null;
    }

    private string? WriteObject(ObjectInstance obj)
    {
        _writer.WriteStartObject();
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
            _writer.WritePropertyName(name);
            if (Write(item, name) is { } error)
            {
                return error;
            }
        }

        _writer.WriteEndObject();
        return null;
    }

    private void Push(ObjectInstance obj, object? key)
    {
        _stack.Add((obj, key));
        _open.Add(obj);
    }

    private void Pop(ObjectInstance obj)
    {
        _stack.RemoveAt(_stack.Count - 1);
        _open.Remove(obj);
    }

    // The path of the value reached by key from the innermost open object: $.a.b[2].c (built only for an error).
    private string Path(object? key)
    {
        // A deep value's path shows its first and last levels.
        var path = new StringBuilder("$");
        for (var i = 0; i < _stack.Count; i++)
        {
            if (i == PathEnds && _stack.Count > 2 * PathEnds)
            {
                path.Append("...(").Append((_stack.Count - 2 * PathEnds).ToString(CultureInfo.InvariantCulture)).Append(" levels)...");
                i = _stack.Count - PathEnds;
            }

            Append(path, _stack[i].Key);
        }

        Append(path, key);
        return path.ToString();
    }

    private static void Append(StringBuilder path, object? key)
    {
        switch (key)
        {
            case long index:
                path.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
                break;
            case string name:
                path.Append('.').Append(name);
                break;
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, double number)
    {
        if (double.IsNaN(number) || double.IsInfinity(number))
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteRawValue(ExactNumbers.Format(number), skipInputValidation: true);
    }
}
