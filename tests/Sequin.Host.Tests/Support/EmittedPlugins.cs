using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Loader;
using Sequin.Sinks;

namespace Sequin.Host.Tests.Support;

/// <summary>Writes small plugin assemblies that fail in specific ways, with System.Reflection.Emit's persisted assemblies.</summary>
public static class EmittedPlugins
{
    /// <summary>A public ISinkPlugin class whose constructor throws InvalidOperationException("no licence key").</summary>
    public static void WriteThrowingConstructor(string folder, string name)
    {
        var (assembly, type) = Define(name, typeof(object));
        var ctor = type.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, Type.EmptyTypes);
        var il = ctor.GetILGenerator();
        il.Emit(OpCodes.Ldstr, "no licence key");
        il.Emit(OpCodes.Newobj, typeof(InvalidOperationException).GetConstructor([typeof(string)])!);
        il.Emit(OpCodes.Throw);
        Finish(assembly, type, Path.Combine(folder, name + ".dll"));
    }

    /// <summary>A plugin class deriving from a base class in <c>&lt;name&gt;.Dep.dll</c>, which is not copied to the folder.</summary>
    public static void WriteMissingDependency(string folder, string name, string scratch)
    {
        var depName = name + ".Dep";
        var dep = new PersistedAssemblyBuilder(new AssemblyName(depName), typeof(object).Assembly);
        var depType = dep.DefineDynamicModule(depName).DefineType(depName + ".Base", TypeAttributes.Public | TypeAttributes.Class);
        depType.DefineDefaultConstructor(MethodAttributes.Public);
        depType.CreateType();
        Directory.CreateDirectory(scratch);
        var depPath = Path.Combine(scratch, depName + ".dll");
        dep.Save(depPath);
        var baseType = new AssemblyLoadContext(depName, isCollectible: true).LoadFromAssemblyPath(depPath).GetType(depName + ".Base", throwOnError: true)!;

        var (assembly, type) = Define(name, baseType);
        var ctor = type.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, Type.EmptyTypes);
        var il = ctor.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, baseType.GetConstructor(Type.EmptyTypes)!);
        il.Emit(OpCodes.Ret);
        Finish(assembly, type, Path.Combine(folder, name + ".dll"));
    }

    /// <summary>
    /// A plugin whose getters named in <paramref name="getters"/> (<c>TypeName</c>, <c>Description</c>, <c>Schema</c>,
    /// <c>Routing</c>) return the given text, or throw <c>NullReferenceException("&lt;getter&gt; is broken")</c> when it is
    /// null; every other member throws NotSupportedException.
    /// </summary>
    public static void WriteWithGetters(string folder, string name, IReadOnlyDictionary<string, string?> getters)
    {
        var (assembly, type) = Define(name, typeof(object), (method, il) =>
        {
            var getter = method.Name.StartsWith("get_", StringComparison.Ordinal) ? method.Name[4..] : null;
            if (getter is null || !getters.TryGetValue(getter, out var value))
            {
                return false;
            }

            if (value is not null && method.ReturnType == typeof(string))
            {
                il.Emit(OpCodes.Ldstr, value);
                il.Emit(OpCodes.Ret);
                return true;
            }

            il.Emit(OpCodes.Ldstr, getter + " is broken");
            il.Emit(OpCodes.Newobj, typeof(NullReferenceException).GetConstructor([typeof(string)])!);
            il.Emit(OpCodes.Throw);
            return true;
        });
        type.DefineDefaultConstructor(MethodAttributes.Public);
        Finish(assembly, type, Path.Combine(folder, name + ".dll"));
    }

    /// <summary>
    /// A plugin class implementing <c>Sequin.Sinks.ISinkPlugin</c> from a stand-in <c>Sequin.Core</c> of version
    /// <paramref name="coreVersion"/> (written to <paramref name="scratch"/>, not to the plugin's folder).
    /// </summary>
    public static void WriteAgainstCoreVersion(string folder, string name, string scratch, Version coreVersion)
    {
        var core = new PersistedAssemblyBuilder(new AssemblyName("Sequin.Core") { Version = coreVersion }, typeof(object).Assembly);
        var contract = core.DefineDynamicModule("Sequin.Core")
            .DefineType("Sequin.Sinks.ISinkPlugin", TypeAttributes.Public | TypeAttributes.Interface | TypeAttributes.Abstract);
        contract.CreateType();
        var versionFolder = Path.Combine(scratch, "core-" + coreVersion);
        Directory.CreateDirectory(versionFolder);
        var corePath = Path.Combine(versionFolder, "Sequin.Core.dll");
        core.Save(corePath);
        var otherContract = new AssemblyLoadContext("core-" + coreVersion, isCollectible: true).LoadFromAssemblyPath(corePath).GetType("Sequin.Sinks.ISinkPlugin", throwOnError: true)!;

        var assembly = new PersistedAssemblyBuilder(new AssemblyName(name), typeof(object).Assembly);
        var type = assembly.DefineDynamicModule(name)
            .DefineType(name + ".Plugin", TypeAttributes.Public | TypeAttributes.Class | TypeAttributes.Sealed, typeof(object), [otherContract]);
        type.DefineDefaultConstructor(MethodAttributes.Public);
        Finish(assembly, type, Path.Combine(folder, name + ".dll"));
    }

    /// <summary>
    /// A plugin that forwards every member to a new instance of <paramref name="innerTypeName"/> from the assembly at
    /// <paramref name="innerAssemblyPath"/> (copy that assembly into <paramref name="folder"/> for it to load): a working
    /// plugin with that plugin's type name, from another folder.
    /// </summary>
    public static void WriteForwarding(string folder, string name, string innerAssemblyPath, string innerTypeName)
    {
        var innerType = new AssemblyLoadContext(name + ".Inner", isCollectible: true).LoadFromAssemblyPath(innerAssemblyPath).GetType(innerTypeName, throwOnError: true)!;
        FieldBuilder? field = null;
        var (assembly, type) = Define(name, typeof(object), (method, il) =>
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, field!);
            for (var i = 1; i <= method.GetParameters().Length; i++)
            {
                il.Emit(OpCodes.Ldarg, i);
            }

            il.Emit(OpCodes.Callvirt, method);
            il.Emit(OpCodes.Ret);
            return true;
        }, t => field = t.DefineField("_inner", typeof(ISinkPlugin), FieldAttributes.Private));
        var ctor = type.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, Type.EmptyTypes);
        var il = ctor.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, typeof(object).GetConstructor(Type.EmptyTypes)!);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Newobj, innerType.GetConstructor(Type.EmptyTypes)!);
        il.Emit(OpCodes.Stfld, field!);
        il.Emit(OpCodes.Ret);
        Finish(assembly, type, Path.Combine(folder, name + ".dll"));
    }

    private static (PersistedAssemblyBuilder Assembly, TypeBuilder Type) Define(
        string name, Type baseType, Func<MethodInfo, ILGenerator, bool>? body = null, Action<TypeBuilder>? members = null)
    {
        var assembly = new PersistedAssemblyBuilder(new AssemblyName(name), typeof(object).Assembly);
        var module = assembly.DefineDynamicModule(name);
        var type = module.DefineType(name + ".Plugin", TypeAttributes.Public | TypeAttributes.Class | TypeAttributes.Sealed, baseType, [typeof(ISinkPlugin)]);
        members?.Invoke(type);
        foreach (var method in typeof(ISinkPlugin).GetMethods())
        {
            var impl = type.DefineMethod(
                method.Name,
                MethodAttributes.Public | MethodAttributes.Virtual | MethodAttributes.Final | MethodAttributes.HideBySig | MethodAttributes.NewSlot,
                method.ReturnType,
                method.GetParameters().Select(p => p.ParameterType).ToArray());
            var il = impl.GetILGenerator();
            if (body is null || !body(method, il))
            {
                il.Emit(OpCodes.Newobj, typeof(NotSupportedException).GetConstructor(Type.EmptyTypes)!);
                il.Emit(OpCodes.Throw);
            }

            type.DefineMethodOverride(impl, method);
        }

        return (assembly, type);
    }

    private static void Finish(PersistedAssemblyBuilder assembly, TypeBuilder type, string path)
    {
        type.CreateType();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        assembly.Save(path);
    }
}
