namespace Sequin.Configuration;

/// <summary>Reads a database's TLS settings: <c>ssl</c>, <c>ssl_mode</c>, <c>ssl_root_cert</c> and the <c>url</c>'s <c>sslmode</c>/<c>sslrootcert</c>.</summary>
internal static class DatabaseSslReader
{
    public static (DatabaseSslMode? Mode, string? RootCert) Read(ConfigMap map, string? url, string baseDirectory)
    {
        var ssl = map.Boolean("ssl");
        var mode = map.Enum<DatabaseSslMode>("ssl_mode");
        var rootCert = map.String("ssl_root_cert");
        var modeKey = "ssl_mode";
        var rootKey = "ssl_root_cert";

        if (ssl is { } on)
        {
            if (map.Has("ssl_mode"))
            {
                map.Error("ssl", "Give either ssl (true means ssl_mode: require) or ssl_mode, not both.");
            }
            else
            {
                mode = on ? DatabaseSslMode.Require : DatabaseSslMode.Disable;
                modeKey = "ssl";
            }
        }

        if (url is not null && ReadUrlParameters(map, url) is { } parameters)
        {
            if (parameters.Mode is not null)
            {
                if (mode is not null || map.Has("ssl_mode"))
                {
                    map.Error("url", "sslmode is given both in url and as ssl/ssl_mode; give it once.");
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
                    map.Error("url", "sslrootcert is given both in url and as ssl_root_cert; give it once.");
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

        if (mode is not (DatabaseSslMode.VerifyCa or DatabaseSslMode.VerifyFull))
        {
            map.Error(rootKey, $"A root certificate verifies the server, which only ssl_mode verify-ca or verify-full do (the {modeKey} is {(mode is { } m ? ConfigEnum.Name(m) : "not set")}).");
            return (mode, null);
        }

        var full = Path.GetFullPath(Path.Combine(baseDirectory, rootCert));
        if (!File.Exists(full))
        {
            map.Error(rootKey, $"The root certificate file '{rootCert}' does not exist (looked for {full}).");
            return (mode, null);
        }

        return (mode, full);
    }

    private static (DatabaseSslMode? Mode, string? RootCert)? ReadUrlParameters(ConfigMap map, string url)
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
                var modes = Enum.GetValues<DatabaseSslMode>();
                if (ConfigEnum.TryParse(value, modes, out var parsed))
                {
                    mode = parsed;
                }
                else
                {
                    map.Error("url", $"sslmode must be one of {ConfigEnum.List(modes)} (got '{value}').");
                }
            }
            else if (string.Equals(name, "sslrootcert", StringComparison.Ordinal))
            {
                rootCert = value;
            }
            else
            {
                // Never echo the value: a url parameter may hold a secret.
                map.Error("url", $"Unsupported url parameter '{name}'; supported: sslmode, sslrootcert (other settings have their own keys).");
            }
        }

        return (mode, rootCert);
    }
}
