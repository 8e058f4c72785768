namespace Sequin.Sinks;

/// <summary>One configuration mistake: where it is and what is wrong.</summary>
/// <param name="Path">The key path, e.g. <c>sinks[0].destination.topic</c>.</param>
/// <param name="Message">What is wrong and, where it helps, what is expected.</param>
public sealed record ConfigError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
