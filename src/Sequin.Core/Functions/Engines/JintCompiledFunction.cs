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

    /// <summary>How many characters the wrapper adds before the user's first line (0 when not wrapped).</summary>
    internal int WrapperColumnOffset { get; }

    /// <inheritdoc />
    public IFunctionInstance CreateInstance()
    {
        var thread = new FunctionThread("sequin-function-" + Definition.Name);
        var load = new LoadState(this);
        thread.Run(static state => ((LoadState)state!).Load(), load);
        return new JintFunctionInstance(this, _limits, thread, load.Engine!, load.Entry!, _wrapped, _usedArguments);
    }

    /// <summary>The engine options: the sandbox. No CLR access: scripts see only the ECMAScript built-ins.</summary>
    internal Engine CreateEngine() => new(options =>
    {
        options.Strict = true;
        options.Culture = CultureInfo.InvariantCulture;
        options.TimeZone = TimeZoneInfo.Utc;
        options.DisableStringCompilation();
        options.MaxStatements(_limits.MaxStatements);
        options.LimitRecursion(_limits.MaxRecursionDepth);
        options.LimitMemory(_limits.MaxAllocatedBytes);
        options.Constraint(new CpuTimeConstraint(_limits.Timeout));
        options.Constraints.RegexTimeout = _limits.Timeout;
        options.Constraints.MaxArraySize = FunctionLimits.MaxArrayLength;
        options.Json.MaxParseDepth = JintSandbox.MaxJsonDepth;
    });

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
                JintSandbox.GuardJsonStringify(engine);
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
                    entry = engine.GetValue(definition.EntryPoint);
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
