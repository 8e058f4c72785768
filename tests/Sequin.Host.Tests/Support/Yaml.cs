using Microsoft.Extensions.Configuration;
using Sequin.Configuration;
using Sequin.Hosting.Configuration;

namespace Sequin.Host.Tests.Support;

public static class Yaml
{
    public static IConfigurationRoot ToConfiguration(string yaml, IDictionary<string, string>? env = null) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(SequinYamlParser.Parse(yaml, "sequin.yaml", name => env is not null && env.TryGetValue(name, out var v) ? v : null))
            .Build();

    public static SequinConfigResult Load(string yaml, ISinkPluginCatalog? catalog = null, string? baseDirectory = null) =>
        SequinConfigLoader.Load(ToConfiguration(yaml), catalog ?? Catalog(), baseDirectory);

    public static SinkPluginCatalog Catalog() => new([new FakeSinkPlugin()]);

    public static string PluginsDirectory => Path.Combine(AppContext.BaseDirectory, "plugins");

    public const string ValidConfig = """
        databases:
          - name: shop
            hostname: db.internal
            database: shop
            password: hunter2
            slot: { name: sequin_slot, create_if_not_exists: true }
            publication: { name: sequin_pub }
        functions:
          - name: by-table
            type: routing
            sink_type: fake
            code: |-
              function route(action, record, changes, metadata) {
                return { topic: metadata.table_name };
              }
          - name: only-big
            type: filter
            code: "function filter(action, record, changes, metadata) { return true; }"
        sinks:
          - name: orders-static
            database: shop
            source: { include_tables: [orders, "sales.items"] }
            actions: [insert, delete]
            tables: [{ name: orders, group_column_names: [customer_id] }]
            batch_size: 50
            batch_timeout_ms: 20
            max_retry_count: 5
            timestamp_format: unix_microsecond
            max_memory_mb: 256
            partition_count: 4
            annotations: { team: core }
            filter: only-big
            destination:
              type: fake
              hosts: "b1:9092"
              topic: orders
              password: s3cret
          - name: orders-dynamic
            database: shop
            routing: by-table
            status: disabled
            destination:
              type: fake
              hosts: "b1:9092"
        """;
}
