namespace Sequin.Configuration;

/// <summary>What a function does (<c>functions[].type</c>).</summary>
public enum FunctionType
{
    /// <summary>Decides where a message goes inside its sink. YAML: <c>routing</c>; needs <c>sink_type</c>.</summary>
    Routing,

    /// <summary>Returns true to keep a message, false to drop it. YAML: <c>filter</c>.</summary>
    Filter,

    /// <summary>Returns the payload to deliver instead of the default message. YAML: <c>transform</c>.</summary>
    Transform,
}
