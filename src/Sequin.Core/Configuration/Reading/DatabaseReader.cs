namespace Sequin.Configuration;

/// <summary>Reads one <c>databases[]</c> item: its connection (keys or <c>url</c>), TLS, slot, publication and settings.</summary>
internal static class DatabaseReader
{
    public static DatabaseConfig? Read(ConfigMap map, string baseDirectory)
    {
        var before = map.Reader.ErrorCount;
        var name = map.Name();
        var url = map.String("url");
        var hostname = map.String("hostname");
        var port = map.Integer("port", 1, 65535);
        var database = map.String("database");
        var username = map.String("username");
        var password = map.String("password");
        var (sslMode, sslRootCert) = DatabaseSslReader.Read(map, url, baseDirectory);
        var awaitDatabase = OptionsMapReader<AwaitDatabaseKeys>.Read(map, "await_database");
        var walWarnings = OptionsMapReader<WalWarningsKeys>.Read(map, "wal_warnings");
        var leaderLock = OptionsMapReader<LeaderLockKeys>.Read(map, "leader_lock");
        var slot = ReplicationSlotReader.Read(map, "slot", isSlot: true);
        var publication = ReplicationSlotReader.Read(map, "publication", isSlot: false);
        var annotations = map.AnnotationsJson("annotations");
        var poolSize = map.Integer("pool_size", 1, DatabaseConfig.MaxPoolSize);
        map.Ignored(
            "primary",
            "Not supported: this project reads changes from a primary only; reading from a replica (with primary: for the connection to it) is not. Point the database at the primary.",
            isError: true);
        map.RejectUnknown();

        if (url is not null)
        {
            if (hostname is not null || port is not null || database is not null || username is not null || password is not null)
            {
                map.Error("url", "Give either url or hostname/port/database/username/password, not both.");
            }
            else if (!TryParseUrl(url, out hostname, out port, out database, out username, out password))
            {
                map.Error("url", "Must be a URL like postgres://user:password@host:5432/database.");
            }
        }
        else
        {
            if (hostname is null)
            {
                map.Error("hostname", "Required (or give url).");
            }

            if (database is null)
            {
                map.Error("database", "Required (or give url).");
            }
        }

        // A newline or other control character is never part of a host, database or user name (a stray one from an
        // environment variable or a multi-line YAML scalar): refused here instead of failing, or resolving oddly, at connect.
        RejectControlCharacters(map, url is null ? "hostname" : "url", hostname, "hostname");
        RejectControlCharacters(map, url is null ? "database" : "url", database, "database name");
        RejectControlCharacters(map, url is null ? "username" : "url", username, "user name");

        if (map.Reader.ErrorCount > before || name is null || hostname is null || database is null || slot is null || publication is null
            || awaitDatabase is null || walWarnings is null || leaderLock is null)
        {
            return null;
        }

        return new DatabaseConfig
        {
            Name = name,
            Hostname = hostname,
            Port = (int)(port ?? 5432),
            Database = database,
            Username = username ?? "postgres",
            Password = password,
            Url = url,
            Slot = new ReplicationSlotConfig(slot.Value.Name, slot.Value.Create) { Failover = slot.Value.Failover },
            Publication = new PublicationConfig(publication.Value.Name, publication.Value.Create) { InitSql = publication.Value.InitSql },
            PoolSize = (int?)poolSize,
            AnnotationsJson = annotations,
            SslMode = sslMode,
            SslRootCert = sslRootCert,
            AwaitDatabase = awaitDatabase.ToConfig(),
            WalWarnings = walWarnings.ToConfig(),
            LeaderLock = leaderLock.ToConfig(),
        };
    }

    private static void RejectControlCharacters(ConfigMap map, string key, string? value, string what)
    {
        var at = value is null ? -1 : value.AsSpan().IndexOfAnyInRange('\0', '\u001F');
        at = at >= 0 || value is null ? at : value.AsSpan().IndexOfAnyInRange('\u007F', '\u009F');
        if (at >= 0)
        {
            var c = value![at];
            map.Error(key, $"The {what} holds a control character (U+{(int)c:X4}{(c == '\n' ? ", a newline" : string.Empty)}); remove it.");
        }
    }

    private static bool TryParseUrl(string url, out string? hostname, out long? port, out string? database, out string? username, out string? password)
    {
        hostname = database = username = password = null;
        port = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "postgres" && uri.Scheme != "postgresql") || string.IsNullOrEmpty(uri.Host))
        {
            return false;
        }

        hostname = uri.Host;
        port = uri.IsDefaultPort || uri.Port < 0 ? null : uri.Port;
        database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0)
        {
            return false;
        }

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        return true;
    }
}
