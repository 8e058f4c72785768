using System.Globalization;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Function;

namespace Sequin.Functions.Engines;

/// <summary>
/// A parsed function (a prepared script, shared by all engines); each <see cref="CreateInstance"/> gets its own engine
/// on its own <see cref="FunctionThread"/>.
/// </summary>
internal sealed class JintCompiledFunction : ICompiledFunction
{
    private readonly FunctionLimits _limits;
    private readonly Prepared<Script> _script;
    private readonly bool _wrapped;
    private readonly int _usedArguments;

    public JintCompiledFunction(FunctionDefinition definition, FunctionLimits limits, Prepared<Script> script, JintScriptShape shape, bool wrapped, int wrapperColumnOffset)
    {
        Definition = definition;
        _limits = limits;
        _script = script;
        Shape = shape;
        _wrapped = wrapped;
        WrapperColumnOffset = wrapperColumnOffset;
        _usedArguments = shape.UsedArguments(definition.Code);
    }

    /// <inheritdoc />
    public FunctionDefinition Definition { get; }

    /// <summary>What the source's top level declares.</summary>
    internal JintScriptShape Shape { get; }

    /// <summary>
    /// Tests only: runs on every new engine before the function's code, to add what no sandboxed engine has (a built-in
    /// that blocks, to exercise the watchdog).
    /// </summary>
    internal Action<Engine>? EngineSetupForTests { get; set; }

    /// <summary>How many characters the wrapper adds before the user's first line (0 when not wrapped).</summary>
    internal int WrapperColumnOffset { get; }

    /// <inheritdoc />
    public IFunctionInstance CreateInstance()
    {
        var thread = new FunctionThread("sequin-function-" + Definition.Name);
        return new JintWatchedInstance(this, thread, Load(thread));
    }

    /// <summary>
    /// Creates an engine with the function loaded on <paramref name="thread"/> (again after the watchdog abandoned the
    /// previous one), within <see cref="FunctionLimits.LoadWallClockTimeout"/> of wall-clock time.
    /// </summary>
    /// <exception cref="FunctionException">The top-level code throws, hits a limit or is abandoned, or the entry point is not declared.</exception>
    internal JintFunctionInstance Load(FunctionThread thread)
    {
        var load = new LoadState(this);
        var limit = _limits.WallClockTimeout > FunctionLimits.LoadWallClockTimeout ? _limits.WallClockTimeout : FunctionLimits.LoadWallClockTimeout;
        try
        {
            thread.Run(static state => ((LoadState)state!).Load(), load, limit);
        }
        catch (FunctionAbandonedException e)
        {
            throw JintErrors.Abandoned(Definition, e, WrapperColumnOffset, JintStackLocation.Top(load.Engine));
        }

        return new JintFunctionInstance(this, _limits, thread, load.Engine!, load.Entry!, _wrapped, _usedArguments);
    }

    /// <summary>The engine options: the sandbox. No CLR access: scripts see only the ECMAScript built-ins.</summary>
    internal Engine CreateEngine()
    {
        var time = new CpuTimeConstraint(_limits.Timeout);
        var statements = new StatementLimitConstraint(_limits.MaxStatements);
        var engine = new Engine(options =>
        {
            options.Strict = true;
            options.Culture = CultureInfo.InvariantCulture;
            options.TimeZone = TimeZoneInfo.Utc;
            options.DisableStringCompilation();
            options.Constraint(statements);
            options.LimitRecursion(_limits.MaxRecursionDepth);
            options.LimitMemory(_limits.MaxAllocatedBytes);
            options.Constraint(time);
            options.Constraints.RegexTimeout = _limits.Timeout;
            options.Constraints.MaxArraySize = FunctionLimits.MaxArrayLength;
            options.Json.MaxParseDepth = JintSandbox.MaxJsonDepth;
        });
        time.Engine = engine;
        statements.Engine = engine;
        return engine;
    }

    private sealed class LoadState(JintCompiledFunction function)
    {
        public Engine? Engine { get; private set; }

        public Function? Entry { get; private set; }

        public void Load()
        {
            var definition = function.Definition;
            var engine = function.CreateEngine();
            Engine = engine;
            try
            {
                // Before the function's own code runs, so that its top level cannot keep a reference either.
                JintSandbox.RemoveBlockingGlobals(engine);
                JintSandbox.GuardJsonStringify(engine);
                JintSandbox.GuardNestedJoin(engine);
                function.EngineSetupForTests?.Invoke(engine);
                engine.Execute(function._script);
                JsValue entry;
                if (function._wrapped)
                {
                    // Runs the top level once now, so that its errors surface at load; every call runs it again.
                    JintSandbox.FreezeRealm(engine);
                    var wrapper = engine.GetValue(JintFunctionEngine.WrapperName);
                    entry = engine.Call(wrapper, JsValue.Undefined, []);
                    Entry = (Function)wrapper;
                }
                else
                {
                    // A declared function is a property of the global object; a `const route = (...) => ...` is a
                    // binding of the global scope that only a lookup by name finds.
                    entry = engine.Evaluate("typeof " + definition.EntryPoint + " === 'function' ? " + definition.EntryPoint + " : undefined");
                    foreach (var name in function.Shape.ConstNames)
                    {
                        JintSandbox.Freeze(engine, engine.Evaluate(name));
                    }

                    JintSandbox.FreezeRealm(engine);
                    Entry = entry as Function;
                }

                if (entry is not Function)
                {
                    throw JintErrors.Contract(
                        definition,
                        $"must declare function {definition.EntryPoint}(action, record, changes, metadata).");
                }
            }
            catch (Exception e) when (e is not FunctionException)
            {
                throw JintErrors.FromException(definition, function._limits, e, function.WrapperColumnOffset);
            }
        }
    }
}
