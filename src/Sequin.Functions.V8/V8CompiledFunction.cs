using Microsoft.ClearScript;
using Microsoft.ClearScript.V8;

namespace Sequin.Functions.V8;

/// <summary>A routing function checked once; each <see cref="CreateInstance"/> gets its own V8 engine (its own isolate).</summary>
internal sealed class V8CompiledFunction : ICompiledFunction
{
    private readonly string _source;

    public V8CompiledFunction(FunctionDefinition definition, FunctionLimits limits)
    {
        Definition = definition;
        Limits = limits;

        // The top level runs anew for every call inside the wrapper (nothing survives a call); the header adds no line.
        var header = "'use strict';function " + V8Driver.WrapperName + "() {const EngineInternal = undefined;";
        WrapperColumnOffset = header.Length;
        _source = header + definition.Code + "\n;return typeof " + definition.EntryPoint + " === 'function' ? " + definition.EntryPoint + " : undefined;\n}";
    }

    /// <inheritdoc />
    public FunctionDefinition Definition { get; }

    /// <summary>The limits of every call.</summary>
    public FunctionLimits Limits { get; }

    /// <summary>How many characters the wrapper adds before the user's first line.</summary>
    public int WrapperColumnOffset { get; }

    /// <inheritdoc />
    public IFunctionInstance CreateInstance()
    {
        var engine = CreateEngine();
        try
        {
            var (route, batch) = Load(engine);
            return new V8FunctionInstance(this, engine, route, batch);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A V8 engine with the sandbox's limits: a heap limit that throws (a script over it fails, the process stays up),
    /// ArrayBuffer allocations capped at the call's memory limit, no host objects, and V8's own stack limit for recursion.
    /// </summary>
    internal V8ScriptEngine CreateEngine()
    {
        var constraints = new V8RuntimeConstraints
        {
            MaxOldSpaceSize = 512,
            MaxNewSpaceSize = 16,

            // ArrayBuffers live outside the heap the limit below samples: without a cap, one `new Uint8Array(2 ** 30)`
            // took a GiB. Over it, V8 throws a RangeError in the call.
            MaxArrayBufferAllocation = checked((ulong)Limits.MaxAllocatedBytes),

            // Near the old-space limit V8 would end the process; instead the heap grows once more and the heap
            // monitor below terminates the script (the call fails), which is ClearScript's documented way out.
            HeapExpansionMultiplier = 2,
        };
        var engine = new V8ScriptEngine("sequin-function-" + Definition.Name, constraints, V8ScriptEngineFlags.DisableGlobalMembers)
        {
            // Measured from the isolate's heap: the baseline (built-ins, the function) plus the call's allowance.
            MaxRuntimeHeapSize = checked((UIntPtr)(ulong)(16L * 1024 * 1024 + Limits.MaxAllocatedBytes)),
            RuntimeHeapSizeSampleInterval = TimeSpan.FromMilliseconds(5),
            RuntimeHeapSizeViolationPolicy = V8RuntimeViolationPolicy.Exception,
            MaxRuntimeStackUsage = checked((UIntPtr)(ulong)(4 * 1024 * 1024)),
            AllowReflection = false,
        };
        return engine;
    }

    /// <summary>Loads the driver and the function, freezes the realm, and returns the two entry points.</summary>
    /// <exception cref="FunctionException">The code does not parse, its top level throws, or it declares no entry point.</exception>
    internal (ScriptObject Route, ScriptObject Batch) Load(V8ScriptEngine engine)
    {
        try
        {
            engine.Execute(V8Driver.Source);
            engine.Execute(new DocumentInfo(Definition.Name), _source);
            var wrapper = (ScriptObject)engine.Evaluate(V8Driver.WrapperName);
            if (wrapper.InvokeAsFunction() is not ScriptObject)
            {
                throw V8Errors.Contract(Definition, $"must declare function {Definition.EntryPoint}(action, record, changes, metadata).");
            }

            var entry = (ScriptObject)engine.Evaluate(V8Driver.Entry);
            var pair = (ScriptObject)entry.InvokeAsFunction(wrapper);
            return ((ScriptObject)pair.GetProperty("0"), (ScriptObject)pair.GetProperty("1"));
        }
        catch (ScriptEngineException e)
        {
            throw V8Errors.FromScript(Definition, e, WrapperColumnOffset);
        }
    }
}
