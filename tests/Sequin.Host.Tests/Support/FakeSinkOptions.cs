using Sequin.Sinks;

namespace Sequin.Host.Tests.Support;

public sealed class FakeSinkOptions
{
    [SinkOption("Brokers.", Required = true)]
    public string? Hosts { get; set; }

    [SinkOption("Topic.", Routable = true, MaxLength = 20)]
    public string? Topic { get; set; }

    [SinkOption("Password.", Secret = true)]
    public string? Password { get; set; }

    [SinkOption("Retries.", Minimum = 0, Maximum = 10)]
    public long Retries { get; set; } = 3;

    [SinkOption("TLS.")]
    public bool Tls { get; set; }
}
