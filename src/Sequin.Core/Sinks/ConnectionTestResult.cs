namespace Sequin.Sinks;

/// <summary>The outcome of <see cref="ISinkClient.TestConnectionAsync"/> or <see cref="ISinkClient.TestCredentialsAsync"/>.</summary>
/// <param name="Success">Whether the check passed.</param>
/// <param name="Message">What was checked, or the destination's own error text. Never contains a secret.</param>
public sealed record ConnectionTestResult(bool Success, string Message)
{
    /// <summary>A passed check.</summary>
    public static ConnectionTestResult Ok(string message) => new(true, message);

    /// <summary>A failed check with the destination's reason.</summary>
    public static ConnectionTestResult Failed(string message) => new(false, message);
}
