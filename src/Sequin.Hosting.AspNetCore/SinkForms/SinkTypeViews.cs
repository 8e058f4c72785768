using Sequin.Configuration;
using Sequin.Sinks;

namespace Sequin.Hosting.AspNetCore.SinkForms;

/// <summary>Describes the loaded sink plugins from their own metadata: no sink has UI code of its own.</summary>
internal static class SinkTypeViews
{
    /// <summary>Every usable plugin of <paramref name="catalog"/>, ordered by type name.</summary>
    public static IReadOnlyList<SinkTypeView> List(ISinkPluginCatalog catalog) =>
        [.. catalog.Plugins.OrderBy(p => p.TypeName, StringComparer.Ordinal).Select(View)];

    /// <summary>The plugin of <paramref name="type"/>, or null.</summary>
    public static SinkTypeView? Find(ISinkPluginCatalog catalog, string type) =>
        catalog.TryGetPlugin(type, out var plugin) ? View(plugin) : null;

    /// <summary>One plugin's view.</summary>
    public static SinkTypeView View(ISinkPlugin plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        var fields = plugin.Schema.Fields.Select(f => new SinkFieldView(
            f.Name, TypeName(f.Type), f.Description, f.Required, f.Secret, f.Routable, f.DefaultValue, f.AllowedValues, f.Minimum, f.Maximum, f.MaxLength)).ToList();
        var keys = plugin.Routing.Keys.Select(k => new RoutableKeyView(k.Name, k.Description, k.Required, k.MaxLength, k.AllowedValues, k.PatternDescription)).ToList();
        return new SinkTypeView(plugin.TypeName, plugin.Description, fields, keys, plugin.Routing.DefaultRoutingFunction);
    }

    /// <summary>The snake_case name of a field type, as the API and the forms use it.</summary>
    public static string TypeName(SinkFieldType type) => type switch
    {
        SinkFieldType.WholeNumber => "whole_number",
        SinkFieldType.Boolean => "boolean",
        SinkFieldType.Enum => "enum",
        SinkFieldType.Url => "url",
        _ => "text",
    };
}
