namespace Sequin.Sinks.Typesense.Internal;

/// <summary>The result of a Typesense call: a value, or an error.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="Value">The value when the call succeeded.</param>
/// <param name="Error">The failure, or null.</param>
internal readonly record struct TypesenseResponse<T>(T? Value, TypesenseError? Error)
{
    /// <summary>Whether the call succeeded.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>A success.</summary>
    public static TypesenseResponse<T> Ok(T value) => new(value, null);

    /// <summary>A failure.</summary>
    public static TypesenseResponse<T> Fail(TypesenseError error) => new(default, error);
}
