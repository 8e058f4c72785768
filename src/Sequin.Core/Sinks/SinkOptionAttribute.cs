namespace Sequin.Sinks;

/// <summary>
/// Declares a property of a sink's options class as a <c>destination:</c> key. Core derives from it the key's schema
/// (<c>sequin plugins</c>, docs, the console), parsing with errors naming the key, range checks, export with secrets
/// masked, and static routing for <see cref="Routable"/> keys. The key's default is the property's initial value.
/// Supported property types: <see cref="string"/>, <see cref="bool"/>, <see cref="int"/>, <see cref="long"/>, an enum,
/// <see cref="Uri"/> (an absolute http/https URL), <c>IReadOnlyDictionary&lt;string, string&gt;</c> (a map of names to
/// text values, e.g. HTTP headers), and their nullable forms.
/// </summary>
/// <param name="description">One sentence for users: what the key does.</param>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class SinkOptionAttribute(string description) : Attribute
{
    /// <summary>What the key does.</summary>
    public string Description { get; } = description;

    /// <summary>The YAML key. Default: the property's name in snake_case (<c>MaxMessageBytes</c> → <c>max_message_bytes</c>).</summary>
    public string? Name { get; set; }

    /// <summary>Whether the key must be given.</summary>
    public bool Required { get; set; }

    /// <summary>Whether the value is a secret: masked on export, never echoed in errors.</summary>
    public bool Secret { get; set; }

    /// <summary>
    /// Whether the key is a route key of the same name: required when routing is static (the value becomes every
    /// message's route), ignored when a routing function decides it.
    /// </summary>
    public bool Routable { get; set; }

    /// <summary>The smallest accepted whole number. Default: none (the property type's range).</summary>
    public long Minimum { get; set; } = long.MinValue;

    /// <summary>The largest accepted whole number. Default: none (the property type's range).</summary>
    public long Maximum { get; set; } = long.MaxValue;

    /// <summary>The longest accepted text, in characters; 0 for no limit.</summary>
    public int MaxLength { get; set; }

    /// <summary>
    /// For a text property, a regular expression the whole value must match (anchor it with <c>^</c> and <c>$</c>); a
    /// routable key's route values must match it too. Default: none.
    /// </summary>
    public string? Pattern { get; set; }

    /// <summary>How <see cref="Pattern"/> reads in errors, e.g. <c>an AWS region such as us-east-1</c>: "Must be …".</summary>
    public string? PatternDescription { get; set; }

    /// <summary>For an enum property, the YAML names of its members in declaration order. Default: snake_case names.</summary>
    public string[]? AllowedValues { get; set; }
}
