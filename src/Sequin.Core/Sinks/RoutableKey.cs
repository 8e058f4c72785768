using System.Text.RegularExpressions;

namespace Sequin.Sinks;

/// <summary>
/// One key a route may set (Kafka <c>topic</c>, Typesense <c>collection_name</c>, SNS <c>topic_arn</c>) and the
/// rules its value must pass. The shared router enforces these rules on every route, whatever produced it.
/// </summary>
/// <param name="Name">The key, as a routing function returns it.</param>
/// <param name="Description">A one-line description for docs and errors.</param>
public sealed record RoutableKey(string Name, string Description)
{
    private static readonly System.Buffers.SearchValues<char> Whitespace = System.Buffers.SearchValues.Create(" \t\r\n\f\v");

    /// <summary>Whether the merged route must have a value for this key.</summary>
    public bool Required { get; init; }

    /// <summary>The shortest accepted value. Default: 1.</summary>
    public int MinLength { get; init; } = 1;

    /// <summary>The longest accepted value, or null for no limit.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Whether whitespace is accepted in the value. Default: true.</summary>
    public bool AllowWhitespace { get; init; } = true;

    /// <summary>The only accepted values, or null for any.</summary>
    public IReadOnlyList<string>? AllowedValues { get; init; }

    /// <summary>A pattern the whole value must match, or null.</summary>
    public Regex? Pattern { get; init; }

    /// <summary>How <see cref="Pattern"/> is described in errors, e.g. <c>an SNS topic ARN</c>.</summary>
    public string? PatternDescription { get; init; }

    /// <summary>
    /// Whether the value is a map of text values (e.g. HTTP headers) rather than one text: a routing function returns a
    /// JavaScript object of strings or numbers, and the route holds it as a JSON object text (<c>{"X-Tenant":"7"}</c>),
    /// which is also its batch key. The length and whitespace rules do not apply to a map.
    /// </summary>
    public bool IsMap { get; init; }

    /// <summary>Checks a value against the rules.</summary>
    /// <returns>Null when valid; otherwise a message naming the key, the value and the rule.</returns>
    public string? Check(string? value)
    {
        if (value is null)
        {
            return Required ? $"Route key '{Name}' is required but no value was given." : null;
        }

        if (IsMap)
        {
            return null; // built by the router from an object of strings, or by the sink: always a JSON object
        }

        if (value.Length < MinLength)
        {
            return $"Route key '{Name}' value \"{value}\" is too short: at least {MinLength} characters.";
        }

        if (MaxLength is { } max && value.Length > max)
        {
            return $"Route key '{Name}' value \"{Truncate(value)}\" is too long: at most {max} characters (got {value.Length}).";
        }

        if (!AllowWhitespace && value.AsSpan().IndexOfAny(Whitespace) >= 0)
        {
            return $"Route key '{Name}' value \"{Truncate(value)}\" must not contain whitespace.";
        }

        if (AllowedValues is not null && !AllowedValues.Contains(value, StringComparer.Ordinal))
        {
            return $"Route key '{Name}' value \"{Truncate(value)}\" must be one of: {string.Join(", ", AllowedValues)}.";
        }

        if (Pattern is not null && !Pattern.IsMatch(value))
        {
            return $"Route key '{Name}' value \"{Truncate(value)}\" is not {PatternDescription ?? "in the expected format"}.";
        }

        return null;
    }

    private static string Truncate(string value) => value.Length <= 120 ? value : value[..117] + "...";
}
