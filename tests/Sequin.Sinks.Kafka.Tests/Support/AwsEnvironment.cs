namespace Sequin.Sinks.Kafka.Tests.Support;

/// <summary>Sets environment variables for one test and restores the previous values.</summary>
internal sealed class AwsEnvironment : IDisposable
{
    private readonly (string Name, string? Value)[] _previous;

    public AwsEnvironment(params (string Name, string Value)[] variables)
    {
        _previous = [.. variables.Select(v => (v.Name, Environment.GetEnvironmentVariable(v.Name)))];
        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public void Dispose()
    {
        foreach (var (name, value) in _previous)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
