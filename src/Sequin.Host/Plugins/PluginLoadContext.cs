using System.Reflection;
using System.Runtime.Loader;

namespace Sequin.Host.Plugins;

/// <summary>
/// The load context of one plugin folder. Assemblies the host shares (Sequin.Core, Microsoft.Extensions.*, System.*)
/// come from the default context when it has them, so that <c>ISinkPlugin</c> and the options and logging types are
/// the host's own; everything else resolves from the plugin's folder through its <c>.deps.json</c>.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private static readonly string[] SharedPrefixes = ["Sequin.Core", "Microsoft.Extensions.", "System.", "Microsoft.Win32.", "Microsoft.CSharp"];
    private static readonly string[] SharedNames = ["System", "netstandard", "mscorlib", "Sequin.Core"];
    private readonly AssemblyDependencyResolver _resolver;
    private readonly string _folder;

    public PluginLoadContext(string pluginAssemblyPath)
        : base(Path.GetFileNameWithoutExtension(pluginAssemblyPath), isCollectible: false)
    {
        _resolver = new AssemblyDependencyResolver(pluginAssemblyPath);
        _folder = Path.GetDirectoryName(pluginAssemblyPath)!;
    }

    /// <summary>Whether an assembly is one the host shares with plugins (loaded from the default context when present).</summary>
    public static bool IsShared(AssemblyName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var simple = name.Name ?? string.Empty;
        return SharedNames.Contains(simple, StringComparer.OrdinalIgnoreCase)
            || SharedPrefixes.Any(p => simple.StartsWith(p, StringComparison.OrdinalIgnoreCase));
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName))
        {
            try
            {
                return Default.LoadFromAssemblyName(assemblyName);
            }
            catch (FileNotFoundException)
            {
                // The host does not have it (e.g. a Microsoft.Extensions package only the plugin uses): load the plugin's copy.
            }
        }

        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        if (path is null && assemblyName.Name is { } simpleName)
        {
            var local = Path.Combine(_folder, simpleName + ".dll");
            path = File.Exists(local) ? local : null;
        }

        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
