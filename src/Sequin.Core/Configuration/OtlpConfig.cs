namespace Sequin.Configuration;

/// <summary>
/// OTLP export of the <c>Sequin.Core</c> meter (<c>metrics.otlp</c> in <c>sequin.yaml</c>; docs/reference/metrics.md):
/// where the collector listens, how to talk to it and how often to push. Absent, nothing is exported.
/// </summary>
/// <param name="Endpoint">The collector's address (<c>endpoint</c>), e.g. <c>http://collector:4317</c> for gRPC or <c>http://collector:4318/v1/metrics</c> for HTTP.</param>
/// <param name="Protocol">The OTLP transport (<c>protocol</c>): <c>grpc</c> or <c>http/protobuf</c>.</param>
/// <param name="Interval">How often measurements are pushed (<c>interval_ms</c>).</param>
public sealed record OtlpConfig(Uri Endpoint, string Protocol, TimeSpan Interval)
{
    /// <summary>The gRPC transport, the default.</summary>
    public const string Grpc = "grpc";

    /// <summary>The HTTP transport with protobuf bodies.</summary>
    public const string HttpProtobuf = "http/protobuf";

    /// <summary>The default push interval: 60 s.</summary>
    public static TimeSpan DefaultInterval { get; } = TimeSpan.FromSeconds(60);
}
