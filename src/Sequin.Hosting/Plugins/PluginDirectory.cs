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
/// and skipped; the others still load. Failing includes any exception from its metadata (type name, description,
/// schema and its fields, routing and its keys), which is read once here. The folders the host ships
/// (<see cref="ShippedFolders"/>) load first, and a plugin from any other folder claiming one of their type names is
/// reported naming both and not loaded: the shipped sink wins. Several plugins folders can be searched
/// (<see cref="PluginSource"/>): the first to claim a type name keeps it.
/// </summary>
public static class PluginDirectory
{
    /// <summary>The plugins folder next to the host executable.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>The plugin folders of this repository's own sinks, which the host ships (<c>Sequin.Sinks.Stdout</c>, ...).</summary>
    public static IReadOnlyList<string> ShippedFolders { get; } =
        typeof(PluginDirectory).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Where(a => a.Key == "SequinShippedPlugins")
            .SelectMany(a => (a.Value ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToArray();

    /// <summary>Loads every plugin folder under <paramref name="directory"/>; a missing directory holds no plugins.</summary>
    /// <param name="directory">The plugins folder; a relative path is resolved from the current directory.</param>
    /// <param name="logger">Logs each plugin loaded (5001) and skipped (5002); null for none.</param>
    /// <returns>The plugins that loaded and, for the others, why not.</returns>
    public static PluginDirectoryResult Load(string directory, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return Load([new PluginSource(directory, "plugins folder")], logger);
    }

    /// <summary>
    /// Loads the plugin folders under each of <paramref name="sources"/> (missing ones hold none). The shipped folders
    /// load first (a copy of one in a later source is skipped, logged 5006), then every other folder in the order of
    /// <paramref name="sources"/> (by name within one): the first plugin to claim a sink type name keeps it, and a later
    /// one claiming it too is reported, naming both (5004 against a shipped sink, 5005 otherwise), and not loaded.
    /// </summary>
    internal static PluginDirectoryResult Load(IReadOnlyList<PluginSource> sources, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        logger ??= NullLogger.Instance;
        var plugins = new List<LoadedSinkPlugin>();
        var failures = new List<SinkPluginLoadFailure>();
        var folders = new List<(string Folder, PluginSource Source)>();
        var seenSources = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            // --plugins-dir may be relative; AssemblyLoadContext needs absolute paths. A folder given twice is read once.
            var directory = Path.GetFullPath(source.Path);
            if (seenSources.Add(directory.TrimEnd(Path.DirectorySeparatorChar)) && Directory.Exists(directory))
            {
                folders.AddRange(Directory.GetDirectories(directory).Order(StringComparer.Ordinal).Select(f => (f, source)));
            }
        }

        // Shipped folders first, so that their type names are taken before any other folder is looked at.
        var ordered = folders.Where(f => IsShipped(f.Folder)).Concat(folders.Where(f => !IsShipped(f.Folder))).ToList();
        var shippedFolders = new Dictionary<string, string>(StringComparer.Ordinal);
        var claimed = new Dictionary<string, (LoadedSinkPlugin Plugin, PluginSource Source, bool Shipped)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (folder, source) in ordered)
        {
            var name = Path.GetFileName(folder);
            var shippedFolder = IsShipped(folder);
            if (shippedFolder && !shippedFolders.TryAdd(name, folder))
            {
                // A copy of a shipped sink in another folder (e.g. a --plugins-dir made of the tool's own plugins/): the first is used.
                PluginLog.ShippedCopySkipped(logger, folder, shippedFolders[name]);
                continue;
            }

            var assemblyPath = Path.Combine(folder, name + ".dll");
            if (!File.Exists(assemblyPath))
            {
                Fail(failures, logger, folder, $"No {name}.dll in the folder (expected plugins/{name}/{name}.dll, the output of dotnet publish).");
                continue;
            }

            var created = new List<LoadedSinkPlugin>();
            LoadAssembly(assemblyPath, created, failures, logger);
            foreach (var loaded in created)
            {
                // The type name first: a plugin claiming a taken name is reported as that, whatever else it does.
                if (ReadTypeName(loaded.Plugin, out var typeName) is { } unreadable)
                {
                    Fail(failures, logger, assemblyPath, unreadable);
                    continue;
                }

                if (claimed.TryGetValue(typeName, out var first))
                {
                    if (first.Shipped)
                    {
                        var reason = $"{loaded.Plugin.GetType().FullName} claims the sink type '{typeName}' of the shipped sink {Path.GetFileName(Path.GetDirectoryName(first.Plugin.AssemblyPath))} ({first.Plugin.AssemblyPath}); the shipped sink is used and this plugin is not loaded. Give the plugin a type name of its own.";
                        failures.Add(new SinkPluginLoadFailure(assemblyPath, reason));
                        PluginLog.PluginClaimsShippedType(logger, assemblyPath, typeName, first.Plugin.AssemblyPath);
                    }
                    else
                    {
                        var reason = $"{loaded.Plugin.GetType().FullName} ({source.Origin}) claims the sink type '{typeName}', already loaded from {first.Plugin.AssemblyPath} ({first.Source.Origin}), which is searched first; that one is used and this plugin is not loaded. Remove one of the two, or give one a type name of its own.";
                        failures.Add(new SinkPluginLoadFailure(assemblyPath, reason));
                        PluginLog.PluginTypeTaken(logger, assemblyPath, typeName, first.Plugin.AssemblyPath);
                    }

                    continue;
                }

                if (CheckMetadata(loaded.Plugin) is { } problem)
                {
                    Fail(failures, logger, assemblyPath, problem);
                    continue;
                }

                claimed[typeName] = (loaded, source, shippedFolder);
                plugins.Add(loaded);
                PluginLog.PluginLoaded(logger, typeName, assemblyPath);
            }
        }

        return new PluginDirectoryResult(plugins, failures);
    }

    private static bool IsShipped(string folder) => ShippedFolders.Contains(Path.GetFileName(folder), StringComparer.Ordinal);

    /// <summary>Builds the catalog: plugins registered in code first, then the folder's; duplicates are reported.</summary>
    /// <param name="directory">The plugins folder.</param>
    /// <param name="registered">Plugins registered in code; they win over a folder plugin of the same type name.</param>
    /// <param name="logger">Logs each plugin loaded and skipped; null for none.</param>
    /// <returns>The catalog, with the folder's failures.</returns>
    public static SinkPluginCatalog CreateCatalog(string directory, IEnumerable<ISinkPlugin> registered, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return CreateCatalog([new PluginSource(directory, "plugins folder")], registered, logger);
    }

    /// <summary>Builds the catalog from plugins registered in code (first) and the folders of <paramref name="sources"/>, in order (<see cref="Load(IReadOnlyList{PluginSource}, ILogger?)"/>).</summary>
    internal static SinkPluginCatalog CreateCatalog(IReadOnlyList<PluginSource> sources, IEnumerable<ISinkPlugin> registered, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(registered);
        var result = Load(sources, logger);
        return new SinkPluginCatalog(registered.Concat(result.Plugins.Select(p => p.Plugin)), result.Failures);
    }

    /// <summary>Creates the plugin classes of one assembly into <paramref name="plugins"/>; their metadata is not read yet.</summary>
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
            ISinkPlugin plugin;
            try
            {
                plugin = (ISinkPlugin)Activator.CreateInstance(type)!;
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                Fail(failures, logger, assemblyPath, $"The constructor of {type.FullName} threw {ex.InnerException.GetType().Name}: {ex.InnerException.Message}");
                continue;
            }
            catch (Exception ex) when (ex is MissingMethodException or MemberAccessException or FileNotFoundException or FileLoadException or TypeLoadException or InvalidCastException or NotSupportedException or InvalidOperationException)
            {
                Fail(failures, logger, assemblyPath, $"{type.FullName} could not be created: {ex.Message}");
                continue;
            }

            plugins.Add(new LoadedSinkPlugin(plugin, assemblyPath));
        }
    }

    /// <summary>Reads the plugin's type name; returns what went wrong, or null.</summary>
    private static string? ReadTypeName(ISinkPlugin plugin, out string typeName)
    {
        typeName = string.Empty;
        try
        {
            typeName = plugin.TypeName;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"Reading {plugin.GetType().FullName}.TypeName threw {ex.GetType().Name}: {ex.Message}";
        }

        return string.IsNullOrWhiteSpace(typeName) ? $"{plugin.GetType().FullName}.TypeName is empty." : null;
    }

    /// <summary>
    /// Reads everything the host reads of a plugin before using it (so that a throwing getter skips the plugin here
    /// instead of failing every command later); returns what went wrong, or null.
    /// </summary>
    private static string? CheckMetadata(ISinkPlugin plugin)
    {
        var reading = nameof(ISinkPlugin.Description);
        try
        {
            _ = plugin.Description;
            reading = nameof(ISinkPlugin.Schema);
            var schema = plugin.Schema ?? throw new InvalidOperationException("it is null");
            reading = "Schema.OptionsType";
            _ = schema.OptionsType ?? throw new InvalidOperationException("it is null");
            reading = "Schema.Fields";
            foreach (var field in schema.Fields ?? throw new InvalidOperationException("it is null"))
            {
                _ = field?.Name ?? throw new InvalidOperationException("a field is null");
            }

            reading = nameof(ISinkPlugin.Routing);
            var routing = plugin.Routing ?? throw new InvalidOperationException("it is null");
            reading = "Routing.Keys";
            foreach (var key in routing.Keys ?? throw new InvalidOperationException("it is null"))
            {
                _ = key?.Name ?? throw new InvalidOperationException("a key is null");
            }

            reading = "Routing.DefaultRoutingFunction";
            _ = routing.DefaultRoutingFunction;
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var inner = ex is TargetInvocationException { InnerException: { } cause } ? cause : ex;
            return $"Reading {plugin.GetType().FullName}.{reading} threw {inner.GetType().Name}: {inner.Message}";
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
