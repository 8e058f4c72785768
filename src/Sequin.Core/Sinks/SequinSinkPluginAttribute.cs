namespace Sequin.Sinks;

/// <summary>
/// Names a sink assembly's <see cref="ISinkPlugin"/> class, so the host finds it without scanning:
/// <c>[assembly: SequinSinkPlugin(typeof(KafkaSink))]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class SequinSinkPluginAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="pluginType">A public class with a parameterless constructor implementing <see cref="ISinkPlugin"/>.</param>
    public SequinSinkPluginAttribute(Type pluginType) => PluginType = pluginType;

    /// <summary>The plugin class.</summary>
    public Type PluginType { get; }
}
