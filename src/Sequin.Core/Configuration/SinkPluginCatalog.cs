using System.Diagnostics.CodeAnalysis;
using Sequin.Sinks;

namespace Sequin.Configuration;

/// <summary>
/// The default <see cref="ISinkPluginCatalog"/>: plugins in the order given, the first plugin of a type name wins and
/// every later one with the same name is reported in <see cref="Failures"/>.
/// </summary>
public sealed class SinkPluginCatalog : ISinkPluginCatalog
{
    private readonly List<ISinkPlugin> _plugins = [];
    private readonly List<SinkPluginLoadFailure> _failures = [];
    private readonly Dictionary<string, ISinkPlugin> _byType = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a catalog of <paramref name="plugins"/> (e.g. the ones registered with <c>AddSinkPlugin</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="plugins"/> is null.</exception>
    public SinkPluginCatalog(IEnumerable<ISinkPlugin> plugins)
        : this(plugins, [])
    {
    }

    /// <summary>Creates a catalog of plugins and the failures met while finding them.</summary>
    /// <param name="plugins">Usable plugins, in priority order (code-registered first, then the plugins folder).</param>
    /// <param name="failures">Plugins that failed to load, reported as they are.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public SinkPluginCatalog(IEnumerable<ISinkPlugin> plugins, IEnumerable<SinkPluginLoadFailure> failures)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(failures);
        _failures.AddRange(failures);
        foreach (var plugin in plugins)
        {
            ArgumentNullException.ThrowIfNull(plugin, nameof(plugins));
            string typeName;
            try
            {
                typeName = plugin.TypeName;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A plugin's own code: its failure skips that plugin instead of failing every command.
                _failures.Add(new SinkPluginLoadFailure(Describe(plugin), $"Reading its TypeName threw {ex.GetType().Name}: {ex.Message}"));
                continue;
            }

            if (string.IsNullOrWhiteSpace(typeName))
            {
                _failures.Add(new SinkPluginLoadFailure(Describe(plugin), "The plugin's TypeName is empty."));
                continue;
            }

            if (_byType.TryGetValue(typeName, out var existing))
            {
                if (!ReferenceEquals(existing, plugin) && existing.GetType() != plugin.GetType())
                {
                    _failures.Add(new SinkPluginLoadFailure(
                        Describe(plugin),
                        $"Duplicate sink type '{typeName}': already provided by {Describe(existing)}; this one is ignored."));
                }

                continue;
            }

            _byType.Add(typeName, plugin);
            _plugins.Add(plugin);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<ISinkPlugin> Plugins => _plugins;

    /// <inheritdoc />
    public IReadOnlyList<SinkPluginLoadFailure> Failures => _failures;

    /// <inheritdoc />
    public bool TryGetPlugin(string typeName, [NotNullWhen(true)] out ISinkPlugin? plugin)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        return _byType.TryGetValue(typeName, out plugin);
    }

    private static string Describe(ISinkPlugin plugin)
    {
        var type = plugin.GetType();
        var location = type.Assembly.Location;
        return string.IsNullOrEmpty(location) ? type.FullName ?? type.Name : $"{type.FullName} ({location})";
    }
}
