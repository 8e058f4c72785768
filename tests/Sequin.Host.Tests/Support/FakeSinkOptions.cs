namespace Sequin.Host.Tests.Support;

public sealed class FakeSinkOptions
{
    public string? Hosts { get; set; }

    public string? Topic { get; set; }

    public string? Password { get; set; }

    public long Retries { get; set; } = 3;

    public bool Tls { get; set; }
}
