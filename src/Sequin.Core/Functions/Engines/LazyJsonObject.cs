using System.Text.Json;
using Jint;
using Jint.Native;
using Jint.Native.Object;

namespace Sequin.Functions.Engines;

/// <summary>
/// <c>record</c>, <c>changes</c> or <c>metadata</c> of one call: a plain JavaScript object over its slice of the
/// message JSON that holds no property until the code needs one. A read of a property by name (<c>record.id</c>)
/// finds it in the slice and hands over its value without storing anything, as long as the value is a string,
/// number, boolean or null (or <c>metadata.consumer</c>/<c>metadata.database</c>, which are cached and frozen); any
/// other operation — enumeration, <c>in</c>, a write, a delete, freezing, a nested object's read, a symbol, or
/// more than <see cref="ScansBeforeBuild"/> reads — first gives the object all its properties, in the JSON's order,
/// exactly as the eagerly built object had them (nested objects and strings are still built on first read), and
/// from then on it is an ordinary object.
/// </summary>
internal sealed class LazyJsonObject : ObjectInstance
{
    /// <summary>How many reads are answered from the JSON before the properties are built (each read scans the slice).</summary>
    public const int ScansBeforeBuild = 8;

    private readonly LazyJsonSource _source;
    private readonly int _generation;
    private readonly int _start;
    private readonly int _end;
    private readonly SharedMetadata? _shared;
    private int _scans;
    private bool _built;

    /// <param name="engine">The engine.</param>
    /// <param name="source">The current call's message JSON.</param>
    /// <param name="start">Where the object's JSON starts in it (its <c>{</c>).</param>
    /// <param name="end">Where it ends (after its <c>}</c>).</param>
    /// <param name="shared">For <c>metadata</c>, the cache of its <c>consumer</c> and <c>database</c> objects; otherwise null.</param>
    public LazyJsonObject(Engine engine, LazyJsonSource source, int start, int end, SharedMetadata? shared)
        : base(engine)
    {
        _source = source;
        _generation = source.Generation;
        _start = start;
        _end = end;
        _shared = shared;
    }

    /// <inheritdoc />
    protected override void Initialize()
    {
        _built = true;
        _source.Populate(this, _generation, _start, _end, _shared);
    }

    /// <inheritdoc />
    protected override bool TryGetOwnPropertyValue(JsValue property, JsValue receiver, out JsValue value)
    {
        if (!_built && property is JsString name && ++_scans <= ScansBeforeBuild)
        {
            switch (_source.Find(_generation, _start, _end, name.ToString(), _shared, out value))
            {
                case LazyJsonSource.FindResult.Value:
                    return true;
                case LazyJsonSource.FindResult.Missing:
                    return false;
            }
        }

        return base.TryGetOwnPropertyValue(property, receiver, out value);
    }

    /// <inheritdoc />
    public override bool PreventExtensions()
    {
        EnsureInitialized();
        return base.PreventExtensions();
    }
}
