using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Native.Symbol;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace Sequin.Functions.Engines;

/// <summary>
/// What makes an engine a sandbox beyond Jint's options: <c>JSON.stringify</c> refuses values nested deeper than
/// <see cref="MaxJsonDepth"/> (Jint's own recursion there is checked by no limit), and every object reachable from the
/// global object — the built-ins, their prototypes, and the function's own top-level declarations — is frozen, so that
/// no call can leave anything behind for the next (with strict mode, writing to them throws a <c>TypeError</c>).
/// </summary>
internal static class JintSandbox
{
    /// <summary>The deepest nesting <c>JSON.stringify</c> accepts (and <c>JSON.parse</c> reads).</summary>
    public const int MaxJsonDepth = 256;

    /// <summary>The most objects and arrays <c>JSON.stringify</c> accepts in one value (a shared one counted each time).</summary>
    public const long MaxJsonValues = 1_000_000;

    /// <summary>Replaces <c>JSON.stringify</c> with the depth-checked one. Call before <see cref="FreezeRealm"/>.</summary>
    public static void GuardJsonStringify(Engine engine)
    {
        var json = (ObjectInstance)engine.GetValue("JSON");
        var original = json.Get("stringify");
        var guarded = new ClrFunction(engine, "stringify", (_, args) =>
        {
            var value = args.Length > 0 ? args[0] : JsValue.Undefined;
            CheckDepth(engine, value);
            return engine.Call(original, json, args);
        }, 3, PropertyFlag.Configurable);
        json.FastSetProperty("stringify", new PropertyDescriptor(guarded, PropertyFlag.ConfigurableEnumerableWritable & ~PropertyFlag.Enumerable));
    }

    /// <summary>
    /// The deepest nesting of arrays that <c>Array.prototype.toString</c>, <c>join</c> and <c>toLocaleString</c> (and so
    /// <c>String()</c>, template literals and <c>+</c> of arrays) accept: each level is a native recursion that no limit
    /// of Jint's checks, and a real value is never nested this deep.
    /// </summary>
    public const int MaxJoinDepth = 32;

    /// <summary>
    /// The globals removed from every engine: <c>SharedArrayBuffer</c> and <c>Atomics</c>. A function has no other
    /// agent to share memory with, and <c>Atomics.wait</c> blocks its thread without using CPU, where no time limit
    /// counts: one call could hang a worker for good.
    /// </summary>
    public static readonly IReadOnlyList<string> RemovedGlobals = ["SharedArrayBuffer", "Atomics"];

    /// <summary>Deletes <see cref="RemovedGlobals"/>. Call before the function's code runs.</summary>
    public static void RemoveBlockingGlobals(Engine engine)
    {
        foreach (var name in RemovedGlobals)
        {
            if (!engine.Global.Delete(name))
            {
                throw new InvalidOperationException($"The sandbox could not remove the global '{name}'.");
            }
        }
    }

    /// <summary>
    /// Replaces <c>Array.prototype.toString</c>, <c>join</c> and <c>toLocaleString</c> with ones that count how deeply
    /// they are nested in one another (converting an array converts each element, an inner array through its
    /// <c>toString</c> again) and throw a <c>RangeError</c> past <see cref="MaxJoinDepth"/> levels (two calls per level:
    /// <c>toString</c> and <c>join</c>). Each nested call also checks the call's limits, which Jint does not inside a
    /// built-in. Call before <see cref="FreezeRealm"/>.
    /// </summary>
    public static void GuardNestedJoin(Engine engine)
    {
        var prototype = (ObjectInstance)((ObjectInstance)engine.GetValue("Array")).Get("prototype");
        var depth = new NestingCounter();
        Guard(engine, prototype, "toString", 0, depth);
        Guard(engine, prototype, "join", 1, depth);
        Guard(engine, prototype, "toLocaleString", 0, depth);
    }

    private static void Guard(Engine engine, ObjectInstance prototype, string name, int length, NestingCounter depth)
    {
        var original = prototype.Get(name);
        var guarded = new ClrFunction(engine, name, (thisObj, args) =>
        {
            if (depth.Value >= 2 * MaxJoinDepth)
            {
                throw new JavaScriptException((Jint.Native.Error.ErrorConstructor)engine.GetValue("RangeError"),
                    $"Array.prototype.{name}: arrays nested more than {MaxJoinDepth} levels deep (the sandbox's nesting limit).");
            }

            if (depth.Value > 0)
            {
                engine.Constraints.Check();
            }

            depth.Value++;
            try
            {
                return engine.Call(original, thisObj, args);
            }
            finally
            {
                depth.Value--;
            }
        }, length, PropertyFlag.Configurable);
        prototype.FastSetProperty(name, new PropertyDescriptor(guarded, PropertyFlag.ConfigurableEnumerableWritable & ~PropertyFlag.Enumerable));
    }

    /// <summary>Freezes every object reachable from the global object through properties, accessors and prototypes.</summary>
    public static void FreezeRealm(Engine engine) => Freeze(engine, engine.Global);

    /// <summary>Freezes one value (a top-level binding of the function) and everything reachable from it.</summary>
    public static void Freeze(Engine engine, JsValue value)
    {
        var freeze = FreezeFunction(engine);
        if (value is not ObjectInstance root)
        {
            return;
        }

        var seen = new HashSet<ObjectInstance>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<ObjectInstance>();
        pending.Push(root);
        while (pending.TryPop(out var obj))
        {
            if (!seen.Add(obj))
            {
                continue;
            }

            foreach (var key in obj.GetOwnPropertyKeys(Types.String | Types.Symbol))
            {
                var descriptor = obj.GetOwnProperty(key);
                Visit(descriptor.Value, pending);
                Visit(descriptor.Get, pending);
                Visit(descriptor.Set, pending);
            }

            Visit(obj.Prototype, pending);
            engine.Call(freeze, JsValue.Undefined, [obj]);
        }
    }

    private static JsValue FreezeFunction(Engine engine) => ((ObjectInstance)engine.GetValue("Object")).Get("freeze");

    private static void Visit(JsValue? value, Stack<ObjectInstance> pending)
    {
        if (value is ObjectInstance obj)
        {
            pending.Push(obj);
        }
    }

    /// <summary>
    /// Measures the value's data properties without recursion (the longest path, and how many values serializing it
    /// visits, shared objects counted each time they appear) and throws a <c>RangeError</c> naming the limit when it
    /// nests deeper than <see cref="MaxJsonDepth"/> or would visit more than <see cref="MaxJsonValues"/> values.
    /// Accessors, <c>toJSON</c> and a replacer are not run here: what they build runs JavaScript at every level, where
    /// the time and memory limits apply.
    /// </summary>
    private static void CheckDepth(Engine engine, JsValue value)
    {
        if (value is not ObjectInstance root)
        {
            return;
        }

        var measured = new Dictionary<ObjectInstance, (int Height, long Size)>(ReferenceEqualityComparer.Instance);
        var onPath = new HashSet<ObjectInstance>(ReferenceEqualityComparer.Instance);
        var path = new Stack<Frame>();
        path.Push(new Frame(root, Children(root)));
        onPath.Add(root);
        var steps = 0;
        while (path.TryPeek(out var frame))
        {
            if (++steps % 1024 == 0)
            {
                engine.Constraints.Check();
            }

            if (frame.Next < frame.Children.Count)
            {
                var child = frame.Children[frame.Next++];
                if (measured.TryGetValue(child, out var known))
                {
                    Add(engine, frame, known.Height, known.Size, path.Count);
                }
                else if (!onPath.Contains(child)) // a cycle: JSON.stringify reports it itself
                {
                    if (path.Count >= MaxJsonDepth)
                    {
                        throw TooDeep(engine);
                    }

                    path.Push(new Frame(child, Children(child)));
                    onPath.Add(child);
                }

                continue;
            }

            path.Pop();
            onPath.Remove(frame.Obj);
            var height = frame.Height + 1;
            var size = frame.Size + 1;
            measured[frame.Obj] = (height, size);
            if (path.TryPeek(out var parent))
            {
                Add(engine, parent, height, size, path.Count);
            }
        }
    }

    private static void Add(Engine engine, Frame frame, int height, long size, int depth)
    {
        if (depth + height > MaxJsonDepth)
        {
            throw TooDeep(engine);
        }

        frame.Height = Math.Max(frame.Height, height);
        frame.Size += size;
        if (frame.Size > MaxJsonValues)
        {
            throw new JavaScriptException((Jint.Native.Error.ErrorConstructor)engine.GetValue("RangeError"),
                $"JSON.stringify: the value holds more than {MaxJsonValues} objects and arrays (the sandbox's JSON size limit).");
        }
    }

    private static JavaScriptException TooDeep(Engine engine) => new((Jint.Native.Error.ErrorConstructor)engine.GetValue("RangeError"),
        $"JSON.stringify: the value is nested more than {MaxJsonDepth} levels deep (the sandbox's JSON depth limit).");

    private static List<ObjectInstance> Children(ObjectInstance obj)
    {
        var children = new List<ObjectInstance>();
        foreach (var key in obj.GetOwnPropertyKeys(Types.String))
        {
            if (obj.GetOwnProperty(key).Value is ObjectInstance inner)
            {
                children.Add(inner);
            }
        }

        return children;
    }

    /// <summary>How deeply the guarded built-ins are nested in one another, per engine.</summary>
    private sealed class NestingCounter
    {
        public int Value { get; set; }
    }

    private sealed class Frame(ObjectInstance obj, List<ObjectInstance> children)
    {
        public ObjectInstance Obj { get; } = obj;

        public List<ObjectInstance> Children { get; } = children;

        public int Next { get; set; }

        public int Height { get; set; }

        public long Size { get; set; }
    }
}
