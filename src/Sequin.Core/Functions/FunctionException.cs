namespace Sequin.Functions;

/// <summary>Thrown inside Sequin.Core when a user function fails to compile or run; turned into a failed result.</summary>
internal sealed class FunctionException : Exception
{
    public FunctionException()
        : this(new FunctionError(string.Empty, "A function failed.", null, null))
    {
    }

    public FunctionException(string message)
        : this(new FunctionError(string.Empty, message, null, null))
    {
    }

    public FunctionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new FunctionError(string.Empty, message, null, null);
    }

    public FunctionException(FunctionError error, Exception? innerException = null)
        : base(error?.Message, innerException)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>The error, with the function's name and location.</summary>
    public FunctionError Error { get; }
}
