using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;
using Xunit.Abstractions;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 29: the real host, connected as a role with exactly the grants docs/reference/privileges.md lists (LOGIN
/// REPLICATION, its own sequin_state schema made by an administrator, SELECT on the published table, a publication
/// made by the table's owner), delivers a backfill and changes; a role missing a grant fails at start with an error
/// naming the grant to add.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class LeastPrivilegeRoleTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task ARoleWithTheDocumentedGrantsDeliversABackfillAndChanges()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "least_privilege");
        var role = RoleName(scenario);
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL)");
        await scenario.ExecuteAsync("INSERT INTO orders VALUES (1, 'before-1'), (2, 'before-2')");

        // Exactly the grants of docs/reference/privileges.md, as an administrator runs them.
        await scenario.ExecuteAsync($"""
            CREATE ROLE {role} LOGIN REPLICATION;
            CREATE SCHEMA sequin_state AUTHORIZATION {role};
            GRANT USAGE ON SCHEMA public TO {role};
            GRANT SELECT ON public.orders TO {role};
            CREATE PUBLICATION sequin_pub FOR TABLE public.orders;
            """);
        var config = WriteConfig(scenario, role, "initial_backfill: true");

        await using var host = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(host);
        await scenario.WaitForMessagesAsync(2, host);
        await scenario.ExecuteAsync("INSERT INTO orders VALUES (3, 'after')");
        await scenario.ExecuteAsync("UPDATE orders SET status = 'changed' WHERE id = 1");
        await scenario.WaitForMessagesAsync(4, host);
        Assert.Equal(0, await host.StopAsync());
        output.WriteLine(host.Output);

        var messages = StdoutSinkOutput.Read(scenario.OutputPath);
        // The backfill's two reads were delivered before the changes were made; the insert of row 3 and the update of
        // row 1 are different rows, delivered in parallel (order is per row), so they may come in either order.
        var delivered = messages.Select(m => ((string)m["action"]!, (int)m["record"]!["id"]!)).ToList();
        Assert.Equal(4, delivered.Count);
        Assert.Equal([("read", 1), ("read", 2)], delivered.Take(2).Order());
        Assert.Equal([("insert", 3), ("update", 1)], delivered.Skip(2).Order());
        Assert.DoesNotContain("permission denied", host.Output, StringComparison.Ordinal);
        Assert.Equal(role, await scenario.ScalarAsync<string>("SELECT tableowner FROM pg_tables WHERE schemaname = 'sequin_state' AND tablename = 'parked_messages'"));
    }

    [Fact]
    public async Task AReplicationRoleWithoutCreateOnTheDatabaseOrASchemaOfItsOwnFailsNamingTheGrant()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "no_create");
        var role = RoleName(scenario);
        await scenario.ExecuteAsync($"""
            CREATE TABLE orders (id int PRIMARY KEY);
            CREATE ROLE {role} LOGIN REPLICATION;
            GRANT SELECT ON public.orders TO {role};
            CREATE PUBLICATION sequin_pub FOR TABLE public.orders;
            """);

        var (exit, text) = await SequinHostProcess.RunToEndAsync("run", "--config", WriteConfig(scenario, role), "--plugins-dir", BuildPaths.Plugins);
        output.WriteLine(text);

        Assert.Equal(1, exit);
        Assert.Contains($"permission denied for database {scenario.Database}", text, StringComparison.Ordinal);
        Assert.Contains($"GRANT CREATE ON DATABASE {Quoted(scenario.Database)} TO {role};", text, StringComparison.Ordinal);
        Assert.Contains($"CREATE SCHEMA sequin_state AUTHORIZATION {role};", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASequinStateSchemaOwnedByAnotherRoleFailsNamingTheGrant()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "other_owner");
        var role = RoleName(scenario);
        await scenario.ExecuteAsync($"""
            CREATE TABLE orders (id int PRIMARY KEY);
            CREATE ROLE {role} LOGIN REPLICATION;
            GRANT SELECT ON public.orders TO {role};
            CREATE PUBLICATION sequin_pub FOR TABLE public.orders;
            CREATE SCHEMA sequin_state;
            """);

        var (exit, text) = await SequinHostProcess.RunToEndAsync("run", "--config", WriteConfig(scenario, role), "--plugins-dir", BuildPaths.Plugins);
        output.WriteLine(text);

        Assert.Equal(1, exit);
        Assert.Contains("permission denied for schema sequin_state", text, StringComparison.Ordinal);
        Assert.Contains($"ALTER SCHEMA sequin_state OWNER TO {role};", text, StringComparison.Ordinal);
    }

    /// <summary>A role of the scenario's own (roles are cluster-wide; the databases are not).</summary>
    private static string RoleName(StdoutScenario scenario) => "r_" + scenario.Database.Replace('-', '_');

    private static string Quoted(string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z_][a-z0-9_$]*$") ? name : "\"" + name + "\"";

    /// <summary>The scenario's sequin.yaml, connecting as <paramref name="role"/>; the publication exists already.</summary>
    private static string WriteConfig(StdoutScenario scenario, string role, string sinkExtra = "")
    {
        var path = scenario.WriteConfig(sinkExtra);
        var yaml = File.ReadAllText(path);
        var replaced = yaml
            .Replace("username: postgres", "username: " + role, StringComparison.Ordinal)
            .Replace("publication: { name: sequin_pub, create_if_not_exists: true }", "publication: { name: sequin_pub }", StringComparison.Ordinal);
        Assert.NotEqual(yaml, replaced);
        File.WriteAllText(path, replaced);
        return path;
    }
}
