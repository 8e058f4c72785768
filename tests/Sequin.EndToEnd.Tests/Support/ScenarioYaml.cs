using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>The parts of the scenarios' sequin.yaml files that are the same for every sink.</summary>
public static class ScenarioYaml
{
    /// <summary>The <c>databases:</c> section: one database named <c>db</c> with its own slot, both created by the host; ends with a blank line.</summary>
    public static string Databases(PostgresServer server, string database, string slotName) => $$"""
        databases:
          - name: db
            hostname: {{PostgresServer.Host}}
            port: {{server.Port}}
            database: {{database}}
            username: postgres
            slot: { name: {{slotName}}, create_if_not_exists: true }
            publication: { name: sequin_pub, create_if_not_exists: true }


        """;
}
