using System.Reflection;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sequin.Configuration;
using Sequin.Sinks;

namespace Sequin.Hosting.Plugins;

/// <summary>
/// Scans a plugins folder laid out as <c>plugins/&lt;Name&gt;/&lt;Name&gt;.dll</c> (each folder a <c>dotnet publish</c>
/// output), loads each with its own McMaster.NETCore.Plugins <see cref="PluginLoader"/> (the host's assemblies, Sequin.Core
/// first, are shared; the plugin's other dependencies and native libraries come from its folder), refuses a plugin built
/// against an incompatible Sequin.Core (<see cref="PluginCoreVersion"/>), and creates the plugin classes named by
/// <c>[assembly: SequinSinkPlugin(typeof(...))]</c> (or, without the attribute, every public non-abstract
/// <see cref="ISinkPlugin"/> class with a parameterless constructor). A plugin that fails is reported with the reason
/// and skipped; the others still load.
/// </summary>
public static class PluginDirectory
{
    /// <summary>The plugins folder next to the host executable.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>Loads every plugin folder under <paramref name="directory"/>; a missing directory holds no plugins.</summary>
    /// <param name="directory">The plugins folder; a relative path is resolved from the current directory.</param>
    /// <param name="logger">Logs each plugin loaded (5001) and skipped (5002); null for none.</param>
    /// <returns>The plugins that loaded and, for the others, why not.</returns>
    public static PluginDirectoryResult Load(string directory, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        directory = Path.GetFullPath(directory); // --plugins-dir may be relative; AssemblyLoadContext needs absolute paths.
        logger ??= NullLogger.Instance;
        var plugins = new List<LoadedSinkPlugin>();
        var failures = new List<SinkPluginLoadFailure>();
        if (!Directory.Exists(directory))
        {
            return new PluginDirectoryResult(plugins, failures);
        }

        foreach (var folder in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(folder);
            var assemblyPath = Path.Combine(folder, name + ".dll");
            if (!File.Exists(assemblyPath))
            {
                Fail(failures, logger, folder, $"No {name}.dll in the folder (expected plugins/{name}/{name}.dll, the output of dotnet publish).");
                continue;
            }

            LoadAssembly(assemblyPath, plugins, failures, logger);
        }

        return new PluginDirectoryResult(plugins, failures);
    }

    /// <summary>Builds the catalog: plugins registered in code first, then the folder's; duplicates are reported.</summary>
    /// <param name="directory">The plugins folder.</param>
    /// <param name="registered">Plugins registered in code; they win over a folder plugin of the same type name.</param>
    /// <param name="logger">Logs each plugin loaded and skipped; null for none.</param>
    /// <returns>The catalog, with the folder's failures.</returns>
    public static SinkPluginCatalog CreateCatalog(string directory, IEnumerable<ISinkPlugin> registered, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(registered);
        var result = Load(directory, logger);
        return new SinkPluginCatalog(registered.Concat(result.Plugins.Select(p => p.Plugin)), result.Failures);
    }

    private static void LoadAssembly(string assemblyPath, List<LoadedSinkPlugin> plugins, List<SinkPluginLoadFailure> failures, ILogger logger)
    {
        Assembly assembly;
        List<Type> types;
        try
        {
            if (PluginCoreVersion.Check(assemblyPath) is { } refusal)
            {
                Fail(failures, logger, assemblyPath, refusal);
                return;
            }

            assembly = CreateLoader(assemblyPath).LoadDefaultAssembly();
            types = FindPluginTypes(assembly);
        }
        catch (BadImageFormatException ex)
        {
            Fail(failures, logger, assemblyPath, $"Not a loadable .NET assembly (bad image): {ex.Message}");
            return;
        }
        catch (ReflectionTypeLoadException ex)
        {
            var reasons = ex.LoaderExceptions.Where(e => e is not null).Select(e => e!.Message).Distinct(StringComparer.Ordinal);
            Fail(failures, logger, assemblyPath, $"Its types could not be loaded: {string.Join(" ", reasons)}");
            return;
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or TypeLoadException or IOException)
        {
            Fail(failures, logger, assemblyPath, $"A dependency could not be loaded: {ex.Message}");
            return;
        }
        catch (InvalidOperationException ex)
        {
            Fail(failures, logger, assemblyPath, ex.Message);
            return;
        }

        if (types.Count == 0)
        {
            Fail(failures, logger, assemblyPath, "No sink plugin found: add [assembly: SequinSinkPlugin(typeof(YourPlugin))] or a public class implementing Sequin.Sinks.ISinkPlugin with a parameterless constructor." + IdentityHint(assembly));
            return;
        }

        foreach (var type in types)
        {
            try
            {
                var plugin = (ISinkPlugin)Activator.CreateInstance(type)!;
                var typeName = plugin.TypeName;
                plugins.Add(new LoadedSinkPlugin(plugin, assemblyPath));
                PluginLog.PluginLoaded(logger, typeName, assemblyPath);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                Fail(failures, logger, assemblyPath, $"The constructor of {type.FullName} threw {ex.InnerException.GetType().Name}: {ex.InnerException.Message}");
            }
            catch (Exception ex) when (ex is MissingMethodException or MemberAccessException or FileNotFoundException or FileLoadException or TypeLoadException or InvalidCastException or NotSupportedException or InvalidOperationException)
            {
                Fail(failures, logger, assemblyPath, $"{type.FullName} could not be created: {ex.Message}");
            }
        }
    }

    /// <summary>
    /// A loader for one plugin folder. Every assembly the host can load (Sequin.Core, Microsoft.Extensions.*, the
    /// runtime, and the host's other dependencies) is shared, so the contract types are the host's; the rest, native
    /// libraries included, resolve from the plugin's folder through its <c>.deps.json</c>. The loader lives as long as
    /// the process: plugins are not unloaded.
    /// </summary>
    private static PluginLoader CreateLoader(string assemblyPath) =>
        PluginLoader.CreateFromAssemblyFile(
            assemblyPath,
            sharedTypes: [typeof(ISinkPlugin), typeof(ILogger), typeof(IServiceCollection), typeof(IConfiguration)],
            configure: config => config.PreferSharedTypes = true);

    private static List<Type> FindPluginTypes(Assembly assembly)
    {
        var named = assembly.GetCustomAttributes<SequinSinkPluginAttribute>().Select(a => a.PluginType).ToList();
        if (named.Count > 0)
        {
            foreach (var type in named)
            {
                if (!typeof(ISinkPlugin).IsAssignableFrom(type) || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
                {
                    throw new InvalidOperationException($"[assembly: SequinSinkPlugin(typeof({type.FullName}))] must name a public non-abstract class implementing Sequin.Sinks.ISinkPlugin with a parameterless constructor.");
                }
            }

            return named;
        }

        return assembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsAbstract && typeof(ISinkPlugin).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .ToList();
    }

    /// <summary>Explains the usual cause when a plugin's ISinkPlugin is a different type from the host's.</summary>
    private static string IdentityHint(Assembly assembly)
    {
        var core = assembly.GetReferencedAssemblies().FirstOrDefault(a => a.Name == "Sequin.Core");
        var hostCore = typeof(ISinkPlugin).Assembly.GetName();
        return core is not null && core.Version != hostCore.Version
            ? $" (It was built against Sequin.Core {core.Version}; the host has {hostCore.Version}.)"
            : string.Empty;
    }

    private static void Fail(List<SinkPluginLoadFailure> failures, ILogger logger, string source, string reason)
    {
        failures.Add(new SinkPluginLoadFailure(source, reason));
        PluginLog.PluginLoadFailed(logger, source, reason);
    }
}
