namespace Sequin.Configuration;

/// <summary>Reads the top-level <c>metrics</c> map (today only <c>otlp</c>: <c>endpoint</c>, <c>protocol</c>, <c>interval_ms</c>).</summary>
internal static class MetricsReader
{
    /// <summary>The OTLP export, or null when <c>metrics.otlp</c> is absent (export off); reports bad values under their key.</summary>
    public static OtlpConfig? Read(ConfigMap top)
    {
        if (top.Map("metrics") is not { } metrics)
        {
            return null;
        }

        var otlp = metrics.Map("otlp");
        metrics.RejectUnknown();
        if (otlp is null)
        {
            return null;
        }

        var endpoint = otlp.String("endpoint", required: true);
        var protocol = otlp.String("protocol") ?? OtlpConfig.Grpc;
        var interval = otlp.Integer("interval_ms", 1000, 60L * 60 * 1000);
        otlp.RejectUnknown();
        if (protocol is not (OtlpConfig.Grpc or OtlpConfig.HttpProtobuf))
        {
            otlp.Error("protocol", $"Expected '{OtlpConfig.Grpc}' or '{OtlpConfig.HttpProtobuf}' (got '{protocol}').");
            return null;
        }

        if (endpoint is null)
        {
            return null;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.UserInfo))
        {
            otlp.Error("endpoint", "Expected an absolute http:// or https:// address without credentials, as in 'http://localhost:4317'.");
            return null;
        }

        return new OtlpConfig(uri, protocol, interval is { } ms ? TimeSpan.FromMilliseconds(ms) : OtlpConfig.DefaultInterval);
    }
}
