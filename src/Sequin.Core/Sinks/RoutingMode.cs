namespace Sequin.Sinks;

/// <summary>Who decides where inside a sink each message goes.</summary>
public enum RoutingMode
{
    /// <summary>The sink's own destination fields decide (e.g. Kafka <c>topic</c>). YAML: no <c>routing</c> key, or <c>routing: none</c>.</summary>
    Static,

    /// <summary>A routing function decides; routable destination fields are cleared. YAML: <c>routing: &lt;function name&gt;</c>.</summary>
    Dynamic,
}
