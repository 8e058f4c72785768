namespace Sequin.Configuration;

/// <summary>Reads the top-level <c>health</c> map into a <see cref="HealthConfig"/>.</summary>
internal static class HealthReader
{
    private const long DayMs = 24L * 60 * 60 * 1000;

    /// <summary>The <c>health</c> section, or the defaults when absent; out-of-range values are reported under their key.</summary>
    public static HealthConfig Read(ConfigMap top)
    {
        var defaults = HealthConfig.Default;
        if (top.Map("health") is not { } map)
        {
            return defaults;
        }

        var messageTimeout = map.Integer("message_timeout_ms", 1000, DayMs);
        var maxLagBytes = map.Integer("max_lag_bytes", 0, long.MaxValue);
        var maxLagMs = map.Integer("max_lag_ms", 0, DayMs * 30);
        var sinkFailing = map.Integer("sink_failing_ms", 1000, DayMs);
        var warnLagMs = map.Integer("warn_lag_ms", 0, DayMs * 30);
        var warnLagBytes = map.Integer("warn_lag_bytes", 0, long.MaxValue);
        map.RejectUnknown();
        return new HealthConfig(
            messageTimeout is { } m ? TimeSpan.FromMilliseconds(m) : defaults.MessageTimeout,
            maxLagBytes ?? defaults.MaxLagBytes,
            maxLagMs is { } l ? TimeSpan.FromMilliseconds(l) : defaults.MaxLagTime,
            sinkFailing is { } s ? TimeSpan.FromMilliseconds(s) : defaults.SinkFailing)
        {
            WarnLagTime = warnLagMs is { } w ? TimeSpan.FromMilliseconds(w) : defaults.WarnLagTime,
            WarnLagBytes = warnLagBytes ?? defaults.WarnLagBytes,
        };
    }
}
