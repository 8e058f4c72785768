using System.Globalization;
using System.Text;
using System.Text.Json;
using Sequin.Functions;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Configuration;

/// <summary>
/// Writes a <see cref="SequinConfig"/> back as <c>sequin.yaml</c> text, secrets masked with
/// <see cref="SinkSchema{TOptions}.MaskedSecret"/>. Strings are written double-quoted (JSON escaping, valid YAML),
/// code as literal blocks where it can be, annotations and lists in flow style.
/// </summary>
public static class SequinConfigExporter
{
    private const string Masked = SinkSchema<object>.MaskedSecret;

    /// <summary>Exports <paramref name="config"/> as YAML.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    public static string Export(SequinConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        WriteDatabases(config, writer);
        WriteFunctions(config, writer);
        WriteHttpEndpoints(config, writer);
        WriteSinks(config, writer);
        if (config.Http is { } http)
        {
            var token = http.Token is null ? string.Empty : $", token: {Quote(Masked)}";
            var hosts = http.AllowedHosts.Count == 0 ? string.Empty : $", allowed_hosts: [{string.Join(", ", http.AllowedHosts.Select(Quote))}]";
            writer.WriteLine($"http: {{ listen: {Quote($"{http.Host}:{http.Port.ToString(CultureInfo.InvariantCulture)}")}{token}{hosts} }}");
        }

        var health = config.Health;
        writer.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"health: {{ message_timeout_ms: {(long)health.MessageTimeout.TotalMilliseconds}, max_lag_bytes: {health.MaxLagBytes}, max_lag_ms: {(long)health.MaxLagTime.TotalMilliseconds}, sink_failing_ms: {(long)health.SinkFailing.TotalMilliseconds}, warn_lag_ms: {(long)health.WarnLagTime.TotalMilliseconds}, warn_lag_bytes: {health.WarnLagBytes} }}"));
        if (config.Otlp is { } otlp)
        {
            writer.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"metrics: {{ otlp: {{ endpoint: {Quote(otlp.Endpoint.ToString())}, protocol: {Quote(otlp.Protocol)}, interval_ms: {(long)otlp.Interval.TotalMilliseconds} }} }}"));
        }

        return writer.ToString();
    }

    /// <summary>Writes <paramref name="config"/> as YAML to <paramref name="writer"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static void Export(SequinConfig config, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Export(config));
    }

    private static void WriteDatabases(SequinConfig config, TextWriter w)
    {
        if (config.Databases.Count == 0)
        {
            w.WriteLine("databases: []");
            return;
        }

        w.WriteLine("databases:");
        foreach (var db in config.Databases)
        {
            w.WriteLine($"  - name: {Quote(db.Name)}");
            w.WriteLine($"    hostname: {Quote(db.Hostname)}");
            w.WriteLine($"    port: {db.Port.ToString(CultureInfo.InvariantCulture)}");
            w.WriteLine($"    database: {Quote(db.Database)}");
            w.WriteLine($"    username: {Quote(db.Username)}");
            if (db.Password is not null)
            {
                w.WriteLine($"    password: {Quote(Masked)}");
            }

            if (db.SslMode is { } sslMode)
            {
                w.WriteLine($"    ssl_mode: {ConfigEnum.Name(sslMode)}");
            }

            if (db.SslRootCert is not null)
            {
                w.WriteLine($"    ssl_root_cert: {Quote(db.SslRootCert)}");
            }

            w.WriteLine($"    await_database: {OptionsMapReader<AwaitDatabaseKeys>.Export(AwaitDatabaseKeys.From(db.AwaitDatabase))}");
            w.WriteLine($"    wal_warnings: {OptionsMapReader<WalWarningsKeys>.Export(WalWarningsKeys.From(db.WalWarnings))}");
            w.WriteLine($"    leader_lock: {OptionsMapReader<LeaderLockKeys>.Export(LeaderLockKeys.From(db.LeaderLock))}");
            w.WriteLine($"    slot: {{ name: {Quote(db.Slot.Name)}, create_if_not_exists: {Bool(db.Slot.CreateIfNotExists)}{(db.Slot.Failover ? ", failover: true" : string.Empty)} }}");
            var initSql = db.Publication.InitSql is null ? string.Empty : $", init_sql: {Quote(db.Publication.InitSql)}";
            w.WriteLine($"    publication: {{ name: {Quote(db.Publication.Name)}, create_if_not_exists: {Bool(db.Publication.CreateIfNotExists)}{initSql} }}");
            if (db.PoolSize is { } poolSize)
            {
                w.WriteLine($"    pool_size: {poolSize.ToString(CultureInfo.InvariantCulture)}");
            }

            if (db.AnnotationsJson != "{}")
            {
                w.WriteLine($"    annotations: {Annotations(db.AnnotationsJson)}");
            }
        }
    }

    private static void WriteFunctions(SequinConfig config, TextWriter w)
    {
        w.WriteLine();
        if (config.Functions.Count == 0)
        {
            w.WriteLine("functions: []");
            return;
        }

        w.WriteLine("functions:");
        foreach (var fn in config.Functions)
        {
            w.WriteLine($"  - name: {Quote(fn.Name)}");
            if (fn.Description is not null)
            {
                w.WriteLine($"    description: {Quote(fn.Description)}");
            }

            if (fn.Path is not null)
            {
                w.WriteLine("    type: path");
                w.WriteLine($"    path: {Quote(fn.Path)}");
                continue;
            }

            w.WriteLine($"    type: {ConfigEnum.Name(fn.Kind)}");
            if (fn.SinkType is not null)
            {
                w.WriteLine($"    sink_type: {Quote(fn.SinkType)}");
            }

            WriteCode(w, fn.Code, "    ");
        }
    }

    private static void WriteSinks(SequinConfig config, TextWriter w)
    {
        w.WriteLine();
        if (config.Sinks.Count == 0)
        {
            w.WriteLine("sinks: []");
            return;
        }

        w.WriteLine("sinks:");
        foreach (var sink in config.Sinks)
        {
            WriteSink(sink, w);
        }
    }

    /// <summary>One sink as <c>sequin config export</c> writes it (an item of <c>sinks:</c>, secrets masked); for the HTTP API.</summary>
    internal static string ExportSink(SinkConfig sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        WriteSink(sink, writer);
        return writer.ToString();
    }

    private static void WriteSink(SinkConfig sink, TextWriter w)
    {
        var s = sink.Settings;
        w.WriteLine($"  - name: {Quote(sink.Name)}");
        w.WriteLine($"    database: {Quote(s.Database)}");
        w.WriteLine($"    status: {ConfigEnum.Name(sink.Status)}");
        var source = new List<string>();
        AddList(source, "include_schemas", s.IncludeSchemas);
        AddList(source, "exclude_schemas", s.ExcludeSchemas);
        AddList(source, "include_tables", s.IncludeTables);
        AddList(source, "exclude_tables", s.ExcludeTables);
        if (source.Count > 0)
        {
            w.WriteLine($"    source: {{ {string.Join(", ", source)} }}");
        }

        w.WriteLine($"    actions: [{ConfigEnum.List(s.Actions.Where(a => a != ChangeAction.Read).Order())}]");
        if (s.GroupColumns.Count > 0)
        {
            w.WriteLine("    tables:");
            foreach (var (table, columns) in s.GroupColumns)
            {
                w.WriteLine($"      - {{ name: {Quote(table)}, group_column_names: {List(columns)} }}");
            }
        }

        w.WriteLine($"    message_grouping: {Bool(s.MessageGrouping)}");
        if (s.BatchSize is { } batchSize)
        {
            w.WriteLine($"    batch_size: {batchSize.ToString(CultureInfo.InvariantCulture)}");
        }

        if (s.BatchTimeout is { } timeout)
        {
            w.WriteLine($"    batch_timeout_ms: {((long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}");
        }

        w.WriteLine($"    max_retry_count: {(s.MaxRetryCount is { } retries ? retries.ToString(CultureInfo.InvariantCulture) : "null")}");
        w.WriteLine($"    park_after_failures: {s.ParkAfterFailures.ToString(CultureInfo.InvariantCulture)}");
        w.WriteLine($"    discarded_retention_days: {((long)s.DiscardedRetention.TotalDays).ToString(CultureInfo.InvariantCulture)}");
        w.WriteLine($"    timestamp_format: {ConfigEnum.Name(s.TimestampFormat)}");
        w.WriteLine($"    max_memory_mb: {(s.MaxBufferedBytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture)}");
        w.WriteLine($"    partition_count: {s.Partitions.ToString(CultureInfo.InvariantCulture)}");
        if (s.Consumer.AnnotationsJson != "{}")
        {
            w.WriteLine($"    annotations: {Annotations(s.Consumer.AnnotationsJson)}");
        }

        w.WriteLine($"    routing: {Quote(sink.RoutingFunction?.Name ?? "none")}");
        w.WriteLine($"    filter: {Quote(sink.FilterFunction?.Name ?? "none")}");
        w.WriteLine($"    transform: {Quote(sink.TransformFunction?.Name ?? "none")}");
        if (sink.EnrichmentFunction is { } enrichment)
        {
            w.WriteLine($"    enrichment: {Quote(enrichment.Name)}");
        }

        w.WriteLine("    destination:");
        w.WriteLine($"      type: {Quote(sink.Type)}");
        var fields = sink.Plugin.Schema.Fields;
        foreach (var (key, value) in sink.Plugin.Schema.Export(sink.Options))
        {
            if (!sink.HttpEndpointKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                w.WriteLine($"      {key}: {DestinationValue(fields, key, value)}");
            }
        }
    }

    /// <summary>A destination value as YAML: numbers and booleans plain, maps as flow maps (secret values already masked), text quoted, secrets masked.</summary>
    private static string DestinationValue(IReadOnlyList<SinkField> fields, string key, string value)
    {
        var field = fields.FirstOrDefault(f => string.Equals(f.Name, key, StringComparison.OrdinalIgnoreCase));
        if (field?.Type == SinkFieldType.Map)
        {
            return value;
        }

        var secret = field?.Secret == true;
        var plain = !secret && field?.Type is SinkFieldType.WholeNumber or SinkFieldType.Boolean;
        return plain ? value : Quote(secret ? Masked : value);
    }

    /// <summary>
    /// Writes <c>http_endpoints:</c>: each endpoint a sink names, once, with the values that sink's options hold (secrets
    /// and <c>encrypted_headers</c> values masked). An endpoint no sink names is not kept.
    /// </summary>
    private static void WriteHttpEndpoints(SequinConfig config, TextWriter w)
    {
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sink in config.Sinks)
        {
            if (sink.HttpEndpoint is not { } name || !written.Add(name))
            {
                continue;
            }

            if (written.Count == 1)
            {
                w.WriteLine("http_endpoints:");
            }

            w.WriteLine($"  - name: {Quote(name)}");
            var fields = sink.Plugin.Schema.Fields;
            foreach (var (key, value) in sink.Plugin.Schema.Export(sink.Options))
            {
                if (sink.HttpEndpointKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    w.WriteLine($"    {key}: {DestinationValue(fields, key, value)}");
                }
            }
        }
    }

    /// <summary>Writes a function's <c>code:</c> key: a literal block where the text allows it, else a quoted string.</summary>
    internal static void WriteCode(TextWriter w, string code, string indent)
    {
        var lines = code.Split('\n');
        var blockSafe = code.Length > 0
            && !char.IsWhiteSpace(code[0])
            && !code.Contains('\r', StringComparison.Ordinal)
            && !code.Contains('\t', StringComparison.Ordinal)
            && !code.EndsWith("\n\n", StringComparison.Ordinal)
            && lines.All(l => l.Length == 0 || !char.IsWhiteSpace(l[^1]));
        if (!blockSafe)
        {
            w.WriteLine($"{indent}code: {Quote(code)}");
            return;
        }

        var keep = code.EndsWith('\n');
        w.WriteLine($"{indent}code: {(keep ? "|" : "|-")}");
        var count = keep ? lines.Length - 1 : lines.Length;
        for (var i = 0; i < count; i++)
        {
            w.WriteLine(lines[i].Length == 0 ? string.Empty : indent + "  " + EscapeSubstitution(lines[i]));
        }
    }

    private static void AddList(List<string> parts, string key, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            parts.Add($"{key}: {List(values)}");
        }
    }

    private static string List(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Quote)) + "]";

    /// <summary>
    /// Annotations (JSON text) as a YAML flow map whose string values are escaped like every other value
    /// (<see cref="Quote"/>), so that a literal <c>${PGPASSWORD}</c> loads back as that text, not as the variable's value.
    /// Keys are not substituted by the loader, so they are written as they are.
    /// </summary>
    private static string Annotations(string json)
    {
        using var document = JsonDocument.Parse(json);
        var sb = new StringBuilder(json.Length + 16);
        AppendAnnotation(sb, document.RootElement);
        return sb.ToString();
    }

    private static void AppendAnnotation(StringBuilder sb, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                sb.Append('{');
                var firstKey = true;
                foreach (var property in element.EnumerateObject())
                {
                    sb.Append(firstKey ? " " : ", ").Append(JsonSerializer.Serialize(property.Name)).Append(": ");
                    AppendAnnotation(sb, property.Value);
                    firstKey = false;
                }

                sb.Append(firstKey ? "}" : " }");
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var firstItem = true;
                foreach (var item in element.EnumerateArray())
                {
                    sb.Append(firstItem ? string.Empty : ", ");
                    AppendAnnotation(sb, item);
                    firstItem = false;
                }

                sb.Append(']');
                break;
            case JsonValueKind.String:
                sb.Append(Quote(element.GetString()!));
                break;
            default:
                sb.Append(element.GetRawText());
                break;
        }
    }

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>
    /// A YAML double-quoted scalar; JSON string escaping is a subset of YAML's. A literal <c>${</c> is written
    /// <c>$${</c>, as the loader substitutes <c>${VAR}</c> in every value.
    /// </summary>
    internal static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append(JsonSerializer.Serialize(EscapeSubstitution(value)));
        return sb.ToString();
    }

    /// <summary>
    /// <c>${</c> as <c>$${</c>: the loader reads <c>${VAR}</c> in any value, a function's code included (a JavaScript
    /// template literal), as an environment variable, and <c>$${</c> as a literal <c>${</c>.
    /// </summary>
    private static string EscapeSubstitution(string value) =>
        value.Contains("${", StringComparison.Ordinal) ? value.Replace("${", "$${", StringComparison.Ordinal) : value;
}
