namespace Sequin.Configuration;

/// <summary>Whether a sink consumes (<c>sinks[].status</c>).</summary>
public enum SinkStatus
{
    /// <summary>The sink receives messages. YAML: <c>active</c>; the default.</summary>
    Active,

    /// <summary>The sink is configured but receives nothing. YAML: <c>disabled</c>.</summary>
    Disabled,
}
