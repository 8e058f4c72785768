using Sequin.Sinks;

namespace Sequin.Configuration;

/// <summary>The keys of <c>databases[].wal_warnings</c>, read by <see cref="OptionsMapReader{TKeys}"/> into a <see cref="WalWarningsConfig"/>.</summary>
internal sealed class WalWarningsKeys
{
    private const long Mebibyte = 1024 * 1024;

    [SinkOption("Warn when more WAL than this, in MiB, is received but not yet acknowledged; 0 turns the check off.", Minimum = 0, Maximum = 1L << 30)]
    public long RetainedMb { get; set; } = WalWarningsConfig.Default.RetainedBytes / Mebibyte;

    [SinkOption("Warn when the oldest undelivered change is older than this, in milliseconds; 0 turns the check off.", Minimum = 0, Maximum = 365L * 24 * 60 * 60 * 1000)]
    public long UndeliveredAgeMs { get; set; } = (long)WalWarningsConfig.Default.UndeliveredAge.TotalMilliseconds;

    public static WalWarningsKeys From(WalWarningsConfig config) => new()
    {
        RetainedMb = config.RetainedBytes / Mebibyte,
        UndeliveredAgeMs = (long)config.UndeliveredAge.TotalMilliseconds,
    };

    public WalWarningsConfig ToConfig() => new(RetainedMb * Mebibyte, TimeSpan.FromMilliseconds(UndeliveredAgeMs));
}
