using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Sequin.Functions;
using Sequin.Messages;
using Sequin.Pipeline;
using Sequin.Sinks;

namespace Sequin.Configuration;

/// <summary>
/// Turns the configuration tree of a <c>sequin.yaml</c> (keys like <c>sinks:0:destination:hosts</c>) into a validated
/// <see cref="SequinConfig"/>, reporting every mistake at once with its key path. Unknown keys are mistakes.
/// </summary>
public static partial class SequinConfigLoader
{
    private static readonly string[] TopLevelKeys = ["databases", "functions", "sinks"];
    private static readonly string[] DatabaseKeys =
    [
        "name", "hostname", "port", "database", "username", "password", "url", "slot", "publication", "annotations",
        "ssl", "ssl_mode", "ssl_root_cert", "await_database", "wal_warnings",
    ];
    private static readonly string[] SlotKeys = ["name", "create_if_not_exists"];
    private static readonly string[] FunctionKeys = ["name", "description", "type", "sink_type", "code", "file"];
    private static readonly string[] FunctionTypeNames = ["routing", "filter", "transform"];
    private static readonly string[] ReservedFunctionNames = ["none", "null", "nil"];
    private static readonly string[] SinkKeys =
    [
        "name", "database", "status", "source", "actions", "tables", "message_grouping", "batch_size", "batch_timeout_ms",
        "max_retry_count", "park_after_failures", "discarded_retention_days", "timestamp_format", "max_memory_mb", "partition_count", "annotations", "routing", "filter",
        "transform", "destination",
    ];

    private static readonly string[] SourceKeys = ["include_schemas", "exclude_schemas", "include_tables", "exclude_tables"];
    private static readonly string[] TableKeys = ["name", "group_column_names"];
    private static readonly string[] ActionNames = ["insert", "update", "delete", "truncate"];
    private static readonly string[] StatusNames = ["active", "disabled"];
    private static readonly string[] TimestampFormatNames = ["iso8601", "unix_microsecond"];

    /// <summary>Loads and validates a configuration, resolving function <c>file:</c> paths from the current directory.</summary>
    /// <param name="configuration">The configuration root holding <c>databases</c>, <c>functions</c> and <c>sinks</c>.</param>
    /// <param name="catalog">The sink plugins; each <c>destination.type</c> must name one.</param>
    /// <returns>The config, or every error found with its key path.</returns>
    public static SequinConfigResult Load(IConfiguration configuration, ISinkPluginCatalog catalog) =>
        Load(configuration, catalog, null);

    /// <summary>Loads and validates a configuration.</summary>
    /// <param name="configuration">The configuration root holding <c>databases</c>, <c>functions</c> and <c>sinks</c>.</param>
    /// <param name="catalog">The sink plugins; each <c>destination.type</c> must name one.</param>
    /// <param name="baseDirectory">The folder function <c>file:</c> paths are relative to (the YAML file's folder); null for the current directory.</param>
    /// <returns>The config, or every error found with its key path.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configuration"/> or <paramref name="catalog"/> is null.</exception>
    public static SequinConfigResult Load(IConfiguration configuration, ISinkPluginCatalog catalog, string? baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(catalog);
        var errors = new List<ConfigError>();
        var reader = new ConfigReader(errors);
        reader.RejectUnknown(configuration, string.Empty, TopLevelKeys);

        // Duplicate names are checked on the names as written, so that they are reported even when an item has other errors.
        var databases = new List<DatabaseConfig>();
        var databaseItems = reader.GetList(configuration, "databases", string.Empty) ?? [];
        var databaseNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < databaseItems.Count; i++)
        {
            var db = ReadDatabase(reader, databaseItems[i], ConfigReader.Item("databases", i), baseDirectory ?? Directory.GetCurrentDirectory());
            CheckDuplicateName(reader, databaseItems[i], ConfigReader.Item("databases", i), databaseNames, "database");
            if (db is not null)
            {
                databases.Add(db);
            }
        }

        var functions = new List<FunctionConfig>();
        var functionItems = reader.GetList(configuration, "functions", string.Empty) ?? [];
        var root = baseDirectory ?? Directory.GetCurrentDirectory();
        var functionNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < functionItems.Count; i++)
        {
            var fn = ReadFunction(reader, functionItems[i], ConfigReader.Item("functions", i), catalog, root);
            CheckDuplicateName(reader, functionItems[i], ConfigReader.Item("functions", i), functionNames, "function");
            if (fn is not null)
            {
                functions.Add(fn);
            }
        }

        var sinks = new List<SinkConfig>();
        var sinkItems = reader.GetList(configuration, "sinks", string.Empty) ?? [];
        var sinkNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sinkItems.Count; i++)
        {
            var path = ConfigReader.Item("sinks", i);
            var sink = ReadSink(reader, sinkItems[i], path, catalog, databaseItems, databases, functionItems, functions);
            CheckDuplicateName(reader, sinkItems[i], path, sinkNames, "sink");
            if (sink is not null)
            {
                sinks.Add(sink);
            }
        }

        if (errors.Count > 0)
        {
            return new SequinConfigResult(null, errors);
        }

        return new SequinConfigResult(new SequinConfig { Databases = databases, Functions = functions, Sinks = sinks }, errors);
    }

    private static DatabaseConfig? ReadDatabase(ConfigReader reader, IConfigurationSection section, string path, string baseDirectory)
    {
        var before = reader.ErrorCount;
        if (!IsMapItem(reader, section, path))
        {
            return null;
        }

        reader.RejectUnknown(section, path, DatabaseKeys);
        var name = ReadName(reader, section, path);
        var url = reader.GetString(section, "url", path);
        var hostname = reader.GetString(section, "hostname", path);
        var port = reader.GetInteger(section, "port", path, 1, 65535);
        var database = reader.GetString(section, "database", path);
        var username = reader.GetString(section, "username", path);
        var password = reader.GetString(section, "password", path);
        if (url is not null)
        {
            if (hostname is not null || port is not null || database is not null || username is not null || password is not null)
            {
                reader.Error(ConfigReader.Child(path, "url"), "Give either url or hostname/port/database/username/password, not both.");
            }
            else if (!TryParseUrl(url, out hostname, out port, out database, out username, out password))
            {
                reader.Error(ConfigReader.Child(path, "url"), "Must be a URL like postgres://user:password@host:5432/database.");
            }
        }
        else
        {
            if (hostname is null)
            {
                reader.Error(ConfigReader.Child(path, "hostname"), "Required (or give url).");
            }

            if (database is null)
            {
                reader.Error(ConfigReader.Child(path, "database"), "Required (or give url).");
            }
        }

        var (sslMode, sslRootCert) = ReadSsl(reader, section, path, url, baseDirectory);
        var awaitDatabase = ReadAwaitDatabase(reader, section, path);
        var walWarnings = ReadWalWarnings(reader, section, path);
        var slot = ReadSlot(reader, section, "slot", path, isSlot: true);
        var publication = ReadSlot(reader, section, "publication", path, isSlot: false);
        var annotations = reader.GetAnnotationsJson(section, "annotations", path);
        if (reader.ErrorCount > before || name is null || hostname is null || database is null || slot is null || publication is null)
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
            Slot = new ReplicationSlotConfig(slot.Value.Name, slot.Value.Create),
            Publication = new PublicationConfig(publication.Value.Name, publication.Value.Create),
            AnnotationsJson = annotations,
            SslMode = sslMode,
            SslRootCert = sslRootCert,
            AwaitDatabase = awaitDatabase,
            WalWarnings = walWarnings,
        };
    }

    private static (string Name, bool Create)? ReadSlot(ConfigReader reader, IConfigurationSection parent, string key, string path, bool isSlot)
    {
        var section = reader.GetMap(parent, key, path, required: true);
        if (section is null)
        {
            return null;
        }

        var keyPath = ConfigReader.Child(path, key);
        reader.RejectUnknown(section, keyPath, SlotKeys);
        var name = reader.GetString(section, "name", keyPath, required: true);
        var create = reader.GetBoolean(section, "create_if_not_exists", keyPath) ?? false;
        if (name is null)
        {
            return null;
        }

        if (isSlot && !SlotNamePattern().IsMatch(name))
        {
            reader.Error(ConfigReader.Child(keyPath, "name"), $"A slot name has 1 to 63 lower-case letters, digits and underscores (got '{name}').");
            return null;
        }

        if (!isSlot && name.Length > 63)
        {
            reader.Error(ConfigReader.Child(keyPath, "name"), $"Must be at most 63 characters (got {name.Length}).");
            return null;
        }

        return (name, create);
    }

    private static FunctionConfig? ReadFunction(ConfigReader reader, IConfigurationSection section, string path, ISinkPluginCatalog catalog, string baseDirectory)
    {
        var before = reader.ErrorCount;
        if (!IsMapItem(reader, section, path))
        {
            return null;
        }

        reader.RejectUnknown(section, path, FunctionKeys);
        var name = ReadName(reader, section, path);
        if (name is not null && ReservedFunctionNames.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            reader.Error(ConfigReader.Child(path, "name"), $"'{name}' is reserved (it means no function); choose another name.");
        }

        var description = reader.GetString(section, "description", path);
        var typeIndex = reader.GetChoice(section, "type", path, FunctionTypeNames);
        if (typeIndex is null && reader.GetString(section, "type", path) is null)
        {
            reader.Error(ConfigReader.Child(path, "type"), "Required: routing, filter or transform.");
        }

        var type = typeIndex is { } t ? (FunctionKind)t : (FunctionKind?)null;
        var sinkType = reader.GetString(section, "sink_type", path);
        if (type == FunctionKind.Routing)
        {
            if (sinkType is null)
            {
                reader.Error(ConfigReader.Child(path, "sink_type"), "Required for a routing function: the sink type it routes for.");
            }
            else if (!catalog.TryGetPlugin(sinkType, out _))
            {
                reader.Error(ConfigReader.Child(path, "sink_type"), $"Unknown sink type '{sinkType}'. {KnownTypes(catalog)}");
            }
        }
        else if (type is not null && sinkType is not null)
        {
            reader.Error(ConfigReader.Child(path, "sink_type"), "Only routing functions have a sink_type.");
        }

        var code = reader.GetString(section, "code", path);
        var file = reader.GetString(section, "file", path);
        string? filePath = null;
        if (code is not null && file is not null)
        {
            reader.Error(ConfigReader.Child(path, "file"), "Give either code or file, not both.");
        }
        else if (code is null && file is null)
        {
            reader.Error(ConfigReader.Child(path, "code"), "Required: the function's code (or file: a path to it).");
        }
        else if (file is not null)
        {
            code = FunctionFileReader.Read(baseDirectory, file, out filePath, out var fileError);
            if (fileError is not null)
            {
                reader.Error(ConfigReader.Child(path, "file"), fileError);
            }
        }

        if (code is not null && Encoding.UTF8.GetByteCount(code) > FunctionConfig.MaxCodeBytes)
        {
            reader.Error(ConfigReader.Child(path, file is null ? "code" : "file"), $"Code must be at most {FunctionConfig.MaxCodeBytes} bytes (got {Encoding.UTF8.GetByteCount(code)}).");
        }

        if (reader.ErrorCount > before || name is null || type is null || code is null)
        {
            return null;
        }

        var function = new FunctionConfig
        {
            Name = name,
            Description = description,
            Kind = type.Value,
            SinkType = type == FunctionKind.Routing ? sinkType!.ToLowerInvariant() : null,
            Code = code,
            FilePath = filePath,
        };

        // Parse it and run it once on a synthetic message, as the original's editor does: syntax and runtime errors
        // are reported now, with the function's name, line and column, instead of failing every message later.
        ISinkPlugin? plugin = null;
        if (function.SinkType is not null)
        {
            catalog.TryGetPlugin(function.SinkType, out plugin);
        }

        var errors = FunctionValidator.Validate(function.ToDefinition(), plugin?.Routing);
        foreach (var error in errors)
        {
            reader.Error(ConfigReader.Child(path, file is null ? "code" : "file"), file is null ? error.Message : FunctionFileReader.Describe(function, error));
        }

        return errors.Count == 0 ? function : null;
    }

    private static SinkConfig? ReadSink(
        ConfigReader reader,
        IConfigurationSection section,
        string path,
        ISinkPluginCatalog catalog,
        List<IConfigurationSection> databaseItems,
        List<DatabaseConfig> databases,
        List<IConfigurationSection> functionItems,
        List<FunctionConfig> functions)
    {
        var before = reader.ErrorCount;
        if (!IsMapItem(reader, section, path))
        {
            return null;
        }

        reader.RejectUnknown(section, path, SinkKeys);
        var name = ReadName(reader, section, path);

        var database = reader.GetString(section, "database", path, required: true);
        if (database is not null && !databases.Exists(d => string.Equals(d.Name, database, StringComparison.Ordinal))
            && !databaseItems.Exists(d => string.Equals(d["name"], database, StringComparison.Ordinal)))
        {
            var known = databases.Count == 0 ? "No databases are defined." : $"Defined databases: {string.Join(", ", databases.Select(d => d.Name))}.";
            reader.Error(ConfigReader.Child(path, "database"), $"Database '{database}' is not defined in databases. {known}");
        }

        var status = reader.GetChoice(section, "status", path, StatusNames) is { } s ? (SinkStatus)s : SinkStatus.Active;

        // source
        List<string>? includeSchemas = null, excludeSchemas = null, includeTables = null, excludeTables = null;
        var source = reader.GetMap(section, "source", path);
        if (source is not null)
        {
            var sourcePath = ConfigReader.Child(path, "source");
            reader.RejectUnknown(source, sourcePath, SourceKeys);
            includeSchemas = reader.GetStringList(source, "include_schemas", sourcePath, nonEmpty: true);
            excludeSchemas = reader.GetStringList(source, "exclude_schemas", sourcePath, nonEmpty: true);
            includeTables = reader.GetStringList(source, "include_tables", sourcePath, nonEmpty: true)?.Select(QualifyTable).ToList();
            excludeTables = reader.GetStringList(source, "exclude_tables", sourcePath, nonEmpty: true)?.Select(QualifyTable).ToList();
            if (includeSchemas is not null && excludeSchemas is not null)
            {
                reader.Error(ConfigReader.Child(sourcePath, "exclude_schemas"), "include_schemas and exclude_schemas cannot both be set.");
            }

            if (includeTables is not null && excludeTables is not null)
            {
                reader.Error(ConfigReader.Child(sourcePath, "exclude_tables"), "include_tables and exclude_tables cannot both be set.");
            }
        }

        // actions
        var actions = new HashSet<ChangeAction> { ChangeAction.Insert, ChangeAction.Update, ChangeAction.Delete, ChangeAction.Read };
        var actionList = reader.GetStringList(section, "actions", path);
        if (actionList is not null)
        {
            if (actionList.Count == 0)
            {
                reader.Error(ConfigReader.Child(path, "actions"), $"Must list at least one of {string.Join(", ", ActionNames)}.");
            }

            actions = [ChangeAction.Read]; // backfill reads always pass, as in the original
            for (var i = 0; i < actionList.Count; i++)
            {
                var index = Array.FindIndex(ActionNames, a => string.Equals(a, actionList[i], StringComparison.OrdinalIgnoreCase));
                if (index < 0)
                {
                    reader.Error(ConfigReader.Item(ConfigReader.Child(path, "actions"), i), $"Must be one of {string.Join(", ", ActionNames)} (got '{actionList[i]}').");
                    continue;
                }

                actions.Add(index switch { 0 => ChangeAction.Insert, 1 => ChangeAction.Update, 2 => ChangeAction.Delete, _ => ChangeAction.Truncate });
            }
        }

        // tables (grouping columns)
        var groupColumns = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var tableItems = reader.GetList(section, "tables", path);
        if (tableItems is not null)
        {
            for (var i = 0; i < tableItems.Count; i++)
            {
                var tablePath = ConfigReader.Item(ConfigReader.Child(path, "tables"), i);
                if (!IsMapItem(reader, tableItems[i], tablePath))
                {
                    continue;
                }

                reader.RejectUnknown(tableItems[i], tablePath, TableKeys);
                var tableName = reader.GetString(tableItems[i], "name", tablePath, required: true);
                var columns = reader.GetStringList(tableItems[i], "group_column_names", tablePath, nonEmpty: true);
                if (columns is null)
                {
                    reader.Error(ConfigReader.Child(tablePath, "group_column_names"), "Required: the columns that group this table's messages.");
                }

                if (tableName is not null && columns is { Count: > 0 })
                {
                    if (!groupColumns.TryAdd(QualifyTable(tableName), columns))
                    {
                        reader.Error(ConfigReader.Child(tablePath, "name"), $"Table '{QualifyTable(tableName)}' is listed twice.");
                    }
                }
            }
        }

        var messageGrouping = reader.GetBoolean(section, "message_grouping", path) ?? true;
        if (!messageGrouping && tableItems is { Count: > 0 })
        {
            reader.Error(ConfigReader.Child(path, "message_grouping"), "message_grouping: false cannot be combined with group_column_names in tables.");
        }

        var batchSize = reader.GetInteger(section, "batch_size", path, 1, 1000);
        var batchTimeoutMs = reader.GetInteger(section, "batch_timeout_ms", path, 1, int.MaxValue);
        var maxRetryCount = reader.GetInteger(section, "max_retry_count", path, 0, int.MaxValue);
        var parkAfterFailures = reader.GetInteger(section, "park_after_failures", path, 0, int.MaxValue);
        var discardedRetentionDays = reader.GetInteger(section, "discarded_retention_days", path, 1, 36_500);
        var timestampFormat = reader.GetChoice(section, "timestamp_format", path, TimestampFormatNames) is 1 ? TimestampFormat.UnixMicrosecond : TimestampFormat.Iso8601;
        var maxMemoryMb = reader.GetInteger(section, "max_memory_mb", path, 128, 1024 * 1024);
        var partitionCount = reader.GetInteger(section, "partition_count", path, 1, 1024);
        var annotations = reader.GetAnnotationsJson(section, "annotations", path);

        // functions
        var routingName = ReadFunctionReference(reader, section, "routing", path);
        var mode = routingName is null ? RoutingMode.Static : RoutingMode.Dynamic;
        var filterName = ReadFunctionReference(reader, section, "filter", path);
        var transformName = ReadFunctionReference(reader, section, "transform", path);

        // destination
        ISinkPlugin? plugin = null;
        object? options = null;
        var destination = reader.GetMap(section, "destination", path, required: true);
        var destinationPath = ConfigReader.Child(path, "destination");
        if (destination is not null)
        {
            var type = reader.GetString(destination, "type", destinationPath, required: true);
            if (type is not null && !catalog.TryGetPlugin(type.Trim(), out plugin))
            {
                reader.Error(ConfigReader.Child(destinationPath, "type"), $"Unknown sink type '{type}'. {KnownTypes(catalog)}");
            }

            if (plugin is not null)
            {
                var parsed = plugin.Schema.Parse(destination, mode, destinationPath);
                foreach (var error in parsed.Errors)
                {
                    reader.Error(error.Path, error.Message);
                }

                options = parsed.IsValid ? parsed.Options : null;
                if (options is not null && batchSize is { } size && plugin.GetLimits(options).MaxBatchMessages is var most && size > most)
                {
                    reader.Error(
                        ConfigReader.Child(path, "batch_size"),
                        $"Must be at most {most} for a {plugin.TypeName} sink: its destination takes at most {most} messages per batch (got {size}).");
                }
            }
        }

        var routing = ResolveFunction(reader, routingName, FunctionKind.Routing, ConfigReader.Child(path, "routing"), functionItems, functions);
        if (routing is not null && plugin is not null && !string.Equals(routing.SinkType, plugin.TypeName, StringComparison.OrdinalIgnoreCase))
        {
            reader.Error(
                ConfigReader.Child(path, "routing"),
                $"Function '{routing.Name}' routes for sink type '{routing.SinkType}', but this sink's type is '{plugin.TypeName}'.");
        }

        var filter = ResolveFunction(reader, filterName, FunctionKind.Filter, ConfigReader.Child(path, "filter"), functionItems, functions);
        var transform = ResolveFunction(reader, transformName, FunctionKind.Transform, ConfigReader.Child(path, "transform"), functionItems, functions);

        if (reader.ErrorCount > before || name is null || database is null || plugin is null || options is null)
        {
            return null;
        }

        var settings = new SinkConsumerSettings
        {
            Consumer = new ConsumerInfo(name, name, annotations),
            Database = database,
            IncludeSchemas = (IReadOnlyList<string>?)includeSchemas ?? [],
            ExcludeSchemas = (IReadOnlyList<string>?)excludeSchemas ?? [],
            IncludeTables = (IReadOnlyList<string>?)includeTables ?? [],
            ExcludeTables = (IReadOnlyList<string>?)excludeTables ?? [],
            Actions = actions,
            GroupColumns = groupColumns,
            MessageGrouping = messageGrouping,
            MaxRetryCount = (int?)maxRetryCount,
            TimestampFormat = timestampFormat,
            BatchSize = (int?)batchSize,
            BatchTimeout = batchTimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
        };
        if (maxMemoryMb is { } mb)
        {
            settings = settings with { MaxBufferedBytes = mb * 1024 * 1024 };
        }

        if (parkAfterFailures is { } park)
        {
            settings = settings with { ParkAfterFailures = (int)park };
        }

        if (discardedRetentionDays is { } days)
        {
            settings = settings with { DiscardedRetention = TimeSpan.FromDays(days) };
        }

        if (partitionCount is { } partitions)
        {
            settings = settings with { Partitions = (int)partitions };
        }

        return new SinkConfig
        {
            Settings = settings,
            Status = status,
            Type = plugin.TypeName,
            Plugin = plugin,
            Options = options,
            RoutingMode = mode,
            RoutingFunction = routing,
            FilterFunction = filter,
            TransformFunction = transform,
        };
    }

    private static string? ReadFunctionReference(ConfigReader reader, IConfigurationSection section, string key, string path)
    {
        var value = reader.GetString(section, key, path)?.Trim();
        return value is null || string.Equals(value, "none", StringComparison.OrdinalIgnoreCase) ? null : value;
    }

    private static FunctionConfig? ResolveFunction(
        ConfigReader reader, string? name, FunctionKind expected, string path, List<IConfigurationSection> functionItems, List<FunctionConfig> functions)
    {
        if (name is null)
        {
            return null;
        }

        var function = functions.Find(f => string.Equals(f.Name, name, StringComparison.Ordinal));
        if (function is null)
        {
            // Defined but invalid: its own errors are reported under functions[...]; don't report it as missing.
            if (!functionItems.Exists(f => string.Equals(f["name"], name, StringComparison.Ordinal)))
            {
                var known = functions.Count == 0 ? "No functions are defined." : $"Defined functions: {string.Join(", ", functions.Select(f => f.Name))}.";
                reader.Error(path, $"Function '{name}' is not defined in functions. {known}");
            }

            return null;
        }

        if (function.Kind != expected)
        {
            reader.Error(path, $"Function '{name}' is a {Describe(function.Kind)} function; {Describe(expected)} needs a {Describe(expected)} function.");
            return null;
        }

        return function;
    }

    private static void CheckDuplicateName(ConfigReader reader, IConfigurationSection item, string path, HashSet<string> seen, string what)
    {
        var name = item.Value is null && !item.GetSection("name").GetChildren().Any() ? item["name"]?.Trim() : null;
        if (!string.IsNullOrEmpty(name) && !seen.Add(name))
        {
            reader.Error(ConfigReader.Child(path, "name"), $"Duplicate {what} name '{name}'.");
        }
    }

    private static bool IsMapItem(ConfigReader reader, IConfigurationSection section, string path)
    {
        if (section.Value is not null || !section.GetChildren().Any())
        {
            reader.Error(path, "Expected a map of keys and values.");
            return false;
        }

        return true;
    }

    private static string? ReadName(ConfigReader reader, IConfigurationSection section, string path)
    {
        var name = reader.GetString(section, "name", path, required: true);
        if (name is null)
        {
            return null;
        }

        if (!NamePattern().IsMatch(name))
        {
            reader.Error(ConfigReader.Child(path, "name"), $"A name has 1 to 128 letters, digits, '_', '-' or '.' (got '{name}').");
            return null;
        }

        return name;
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

    private static string QualifyTable(string table) => table.Contains('.', StringComparison.Ordinal) ? table : "public." + table;

    private static string KnownTypes(ISinkPluginCatalog catalog)
    {
        var known = catalog.Plugins.Count == 0
            ? "No sink plugins are loaded."
            : $"Known types: {string.Join(", ", catalog.Plugins.Select(p => p.TypeName).Order(StringComparer.Ordinal))}.";
        return catalog.Failures.Count == 0 ? known : known + $" ({catalog.Failures.Count} plugin(s) failed to load; run 'sequin plugins'.)";
    }

    private static string Describe(FunctionKind type) => type switch
    {
        FunctionKind.Routing => "routing",
        FunctionKind.Filter => "filter",
        _ => "transform",
    };

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z0-9_]{1,63}$")]
    private static partial Regex SlotNamePattern();
}
