using System.Diagnostics.CodeAnalysis;

namespace Sequin.Sinks.Sns;

/// <summary>The result of an <see cref="ISnsApi"/> call: a value, or an <see cref="SnsError"/>.</summary>
/// <typeparam name="T">The value type.</typeparam>
internal sealed class SnsResult<T>
{
    private SnsResult(T? value, SnsError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value of a successful call.</summary>
    public T? Value { get; }

    /// <summary>The error of a failed call.</summary>
    public SnsError? Error { get; }

    /// <summary>Whether the call succeeded.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>A successful result.</summary>
    [SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "Factory methods of a result type.")]
    public static SnsResult<T> Success(T value) => new(value, null);

    /// <summary>A failed result.</summary>
    [SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "Factory methods of a result type.")]
    public static SnsResult<T> Failure(SnsError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(default, error);
    }
}
