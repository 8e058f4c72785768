using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Sequin.Configuration;

/// <summary>The connection options of a database: TLS (<c>ssl</c>, <c>ssl_mode</c>, <c>ssl_root_cert</c>, url parameters) <c>await_database</c> and <c>wal_warnings</c>.</summary>
public static partial class SequinConfigLoader
{
    private static readonly string[] SslModeNames = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];
    private static readonly string[] AwaitDatabaseKeys = ["timeout_ms", "interval_ms"];
    private static readonly string[] WalWarningsKeys = ["retained_mb", "undelivered_age_ms"];
    private static readonly string[] UrlParameters = ["sslmode", "sslrootcert"];

    private static (DatabaseSslMode? Mode, string? RootCert) ReadSsl(ConfigReader reader, IConfigurationSection section, string path, string? url, string baseDirectory)
    {
        var ssl = reader.GetBoolean(section, "ssl", path);
        var modeIndex = reader.GetChoice(section, "ssl_mode", path, SslModeNames);
        var rootCert = reader.GetString(section, "ssl_root_cert", path);
        DatabaseSslMode? mode = modeIndex is { } i ? (DatabaseSslMode)i : null;
        var modeKey = "ssl_mode";
        var rootKey = "ssl_root_cert";

        if (ssl is { } on)
        {
            if (ConfigReader.IsPresent(section.GetSection("ssl_mode")))
            {
                reader.Error(ConfigReader.Child(path, "ssl"), "Give either ssl (true means ssl_mode: require) or ssl_mode, not both.");
            }
            else
            {
                mode = on ? DatabaseSslMode.Require : DatabaseSslMode.Disable;
                modeKey = "ssl";
            }
        }

        if (url is not null && ReadUrlParameters(reader, path, url) is { } parameters)
        {
            if (parameters.Mode is not null)
            {
                if (mode is not null || ConfigReader.IsPresent(section.GetSection("ssl_mode")))
                {
                    reader.Error(ConfigReader.Child(path, "url"), "sslmode is given both in url and as ssl/ssl_mode; give it once.");
                }
                else
                {
                    mode = parameters.Mode;
                    modeKey = "url sslmode";
                }
            }

            if (parameters.RootCert is not null)
            {
                if (rootCert is not null)
                {
                    reader.Error(ConfigReader.Child(path, "url"), "sslrootcert is given both in url and as ssl_root_cert; give it once.");
                }
                else
                {
                    rootCert = parameters.RootCert;
                    rootKey = "url";
                }
            }
        }

        if (rootCert is null)
        {
            return (mode, null);
        }

        var rootPath = rootKey == "url" ? ConfigReader.Child(path, "url") : ConfigReader.Child(path, "ssl_root_cert");
        if (mode is not (DatabaseSslMode.VerifyCa or DatabaseSslMode.VerifyFull))
        {
            reader.Error(rootPath, $"A root certificate verifies the server, which only ssl_mode verify-ca or verify-full do (the {modeKey} is {(mode is { } m ? SslModeNames[(int)m] : "not set")}).");
            return (mode, null);
        }

        var full = Path.GetFullPath(Path.Combine(baseDirectory, rootCert));
        if (!File.Exists(full))
        {
            reader.Error(rootPath, $"The root certificate file '{rootCert}' does not exist (looked for {full}).");
            return (mode, null);
        }

        return (mode, full);
    }

    private static (DatabaseSslMode? Mode, string? RootCert)? ReadUrlParameters(ConfigReader reader, string path, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Query.Length <= 1)
        {
            return null;
        }

        DatabaseSslMode? mode = null;
        string? rootCert = null;
        foreach (var pair in uri.Query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (string.Equals(name, "sslmode", StringComparison.Ordinal))
            {
                var index = Array.FindIndex(SslModeNames, n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase));
                if (index < 0)
                {
                    reader.Error(ConfigReader.Child(path, "url"), $"sslmode must be one of {string.Join(", ", SslModeNames)} (got '{value}').");
                }
                else
                {
                    mode = (DatabaseSslMode)index;
                }
            }
            else if (string.Equals(name, "sslrootcert", StringComparison.Ordinal))
            {
                rootCert = value;
            }
            else
            {
                // Never echo the value: a url parameter may hold a secret.
                reader.Error(ConfigReader.Child(path, "url"), $"Unsupported url parameter '{name}'; supported: {string.Join(", ", UrlParameters)} (other settings have their own keys).");
            }
        }

        return (mode, rootCert);
    }

    private static AwaitDatabaseConfig ReadAwaitDatabase(ConfigReader reader, IConfigurationSection section, string path)
    {
        var map = reader.GetMap(section, "await_database", path);
        if (map is null)
        {
            return AwaitDatabaseConfig.Default;
        }

        var keyPath = ConfigReader.Child(path, "await_database");
        reader.RejectUnknown(map, keyPath, AwaitDatabaseKeys);
        var timeout = reader.GetInteger(map, "timeout_ms", keyPath, 0, (long)TimeSpan.FromDays(1).TotalMilliseconds);
        var interval = reader.GetInteger(map, "interval_ms", keyPath, 1, (long)TimeSpan.FromHours(1).TotalMilliseconds);
        var result = new AwaitDatabaseConfig(
            timeout is { } t ? TimeSpan.FromMilliseconds(t) : AwaitDatabaseConfig.Default.Timeout,
            interval is { } i ? TimeSpan.FromMilliseconds(i) : AwaitDatabaseConfig.Default.Interval);
        return result;
    }

    private static WalWarningsConfig ReadWalWarnings(ConfigReader reader, IConfigurationSection section, string path)
    {
        var map = reader.GetMap(section, "wal_warnings", path);
        if (map is null)
        {
            return WalWarningsConfig.Default;
        }

        var keyPath = ConfigReader.Child(path, "wal_warnings");
        reader.RejectUnknown(map, keyPath, WalWarningsKeys);
        var retained = reader.GetInteger(map, "retained_mb", keyPath, 0, 1L << 30);
        var age = reader.GetInteger(map, "undelivered_age_ms", keyPath, 0, (long)TimeSpan.FromDays(365).TotalMilliseconds);
        return new WalWarningsConfig(
            retained is { } mb ? mb * 1024 * 1024 : WalWarningsConfig.Default.RetainedBytes,
            age is { } ms ? TimeSpan.FromMilliseconds(ms) : WalWarningsConfig.Default.UndeliveredAge);
    }

    internal static string SslModeName(DatabaseSslMode mode) => SslModeNames[(int)mode];

    internal static string Milliseconds(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
