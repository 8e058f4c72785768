namespace Sequin.Sinks;

/// <summary>The value type of a sink configuration field.</summary>
public enum SinkFieldType
{
    /// <summary>Free text.</summary>
    Text,

    /// <summary>A whole number.</summary>
    WholeNumber,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>One of <see cref="SinkField.AllowedValues"/>.</summary>
    Enum,

    /// <summary>An absolute URL.</summary>
    Url,

    /// <summary>A map of names to text values (e.g. HTTP headers); a secret map's values are masked, its names shown.</summary>
    Map,
}
