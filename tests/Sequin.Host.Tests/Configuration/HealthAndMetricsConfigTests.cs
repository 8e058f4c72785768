using Sequin.Configuration;
using Sequin.Host.Tests.Support;

namespace Sequin.Host.Tests.Configuration;

/// <summary>Issue 17: the top-level <c>health</c> thresholds and the <c>metrics.otlp</c> export.</summary>
public sealed class HealthAndMetricsConfigTests
{
    [Fact]
    public void WithoutTheKeysTheDefaultThresholdsApplyAndNothingIsExported()
    {
        var config = Yaml.Load(Yaml.ValidConfig).Config!;

        Assert.Equal(HealthConfig.Default, config.Health);
        Assert.Equal(TimeSpan.FromSeconds(60), config.Health.MessageTimeout);
        Assert.Null(config.Otlp);
    }

    [Fact]
    public void HealthThresholdsAreRead()
    {
        var result = Yaml.Load(Yaml.ValidConfig + "\nhealth: { message_timeout_ms: 5000, max_lag_bytes: 0, max_lag_ms: 600000, sink_failing_ms: 2000 }\n");

        Assert.Empty(result.Errors);
        Assert.Equal(new HealthConfig(TimeSpan.FromSeconds(5), 0, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(2)), result.Config!.Health);
    }

    [Fact]
    public void WarningLagThresholdsAreReadAndExported()
    {
        var result = Yaml.Load(Yaml.ValidConfig + "\nhealth: { warn_lag_ms: 15000, warn_lag_bytes: 0 }\n");

        Assert.Empty(result.Errors);
        Assert.Equal((TimeSpan.FromSeconds(15), 0L), (result.Config!.Health.WarnLagTime, result.Config.Health.WarnLagBytes));
        Assert.Equal((TimeSpan.FromMinutes(1), 100L << 20), (HealthConfig.Default.WarnLagTime, HealthConfig.Default.WarnLagBytes));
        Assert.Contains("warn_lag_ms: 15000, warn_lag_bytes: 0 }", SequinConfigExporter.Export(result.Config), StringComparison.Ordinal);
        Assert.Equal("health.warn_lag_ms", Assert.Single(Yaml.Load(Yaml.ValidConfig + "\nhealth: { warn_lag_ms: -1 }\n").Errors).Path);
    }

    [Theory]
    [InlineData("metrics: { otlp: { endpoint: \"http://localhost:4317\" } }", "http://localhost:4317/", OtlpConfig.Grpc, 60000)]
    [InlineData("metrics: { otlp: { endpoint: \"https://c:4318/v1/metrics\", protocol: http/protobuf, interval_ms: 1000 } }", "https://c:4318/v1/metrics", OtlpConfig.HttpProtobuf, 1000)]
    public void OtlpExportIsRead(string yaml, string endpoint, string protocol, int intervalMs)
    {
        var result = Yaml.Load(Yaml.ValidConfig + "\n" + yaml + "\n");

        Assert.Empty(result.Errors);
        var otlp = result.Config!.Otlp!;
        Assert.Equal((endpoint, protocol, TimeSpan.FromMilliseconds(intervalMs)), (otlp.Endpoint.ToString(), otlp.Protocol, otlp.Interval));
    }

    [Theory]
    [InlineData("health: { message_timeout_ms: 5 }", "health.message_timeout_ms")]
    [InlineData("health: { max_lag_bytes: -1 }", "health.max_lag_bytes")]
    [InlineData("health: { sink_failing_ms: soon }", "health.sink_failing_ms")]
    [InlineData("health: { max_lag: 1 }", "health.max_lag")]
    [InlineData("metrics: { otlp: { protocol: grpc } }", "metrics.otlp.endpoint")]
    [InlineData("metrics: { otlp: { endpoint: \"localhost:4317\" } }", "metrics.otlp.endpoint")]
    [InlineData("metrics: { otlp: { endpoint: \"http://u:p4ss@c:4317\" } }", "metrics.otlp.endpoint")]
    [InlineData("metrics: { otlp: { endpoint: \"http://c:4317\", protocol: udp } }", "metrics.otlp.protocol")]
    [InlineData("metrics: { otlp: { endpoint: \"http://c:4317\", interval_ms: 10 } }", "metrics.otlp.interval_ms")]
    [InlineData("metrics: { prometheus: {} }", "metrics.prometheus")]
    public void ABadValueIsAnErrorNamingTheKey(string yaml, string path)
    {
        var result = Yaml.Load(Yaml.ValidConfig + "\n" + yaml + "\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.DoesNotContain("p4ss", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheExportKeepsThresholdsAndTheOtlpExport()
    {
        var config = Yaml.Load(Yaml.ValidConfig + "\nhealth: { max_lag_ms: 1500 }\nmetrics: { otlp: { endpoint: \"http://c:4318/v1/metrics\", protocol: http/protobuf, interval_ms: 2000 } }\n").Config!;

        var again = Yaml.Load(SequinConfigExporter.Export(config));

        Assert.Empty(again.Errors);
        Assert.Equal(config.Health, again.Config!.Health);
        Assert.Equal(config.Otlp, again.Config.Otlp);
    }
}
