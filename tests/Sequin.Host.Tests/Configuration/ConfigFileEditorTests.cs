using Sequin.Host.Tests.Support;
using Sequin.Hosting.AspNetCore.SinkForms;

namespace Sequin.Host.Tests.Configuration;

/// <summary>The console's "Save and apply" adds a sink's block to sequin.yaml as text, keeping every line of the file (issue 33).</summary>
public sealed class ConfigFileEditorTests
{
    private const string Block = """
        # Set before starting the host: NEW_PASSWORD (secrets are not written here).
        functions:
          - name: "new-routing"
            type: routing
            sink_type: fake
            code: |-
              function route(action, record, changes, metadata) {
                return { topic: metadata.table_name };
              }
        sinks:
          - name: "new"
            database: "shop"
            routing: "new-routing"
            destination:
              type: fake
              hosts: "b2:9092"

        """;

    [Fact]
    public void TheItemsGoAfterTheLastItemOfEachListReindentedLikeItAndEveryLineOfTheFileStays()
    {
        // The file indents its sink items four spaces and has comments around and after the list.
        var file = """
            # Production pipeline: keep this comment.
            databases:
              - name: shop
                hostname: db.internal
                database: shop
                slot: { name: sequin_slot, create_if_not_exists: true }
                publication: { name: sequin_pub }
            sinks:
                # the first sink
                - name: orders
                  database: shop
                  destination:
                    type: fake
                    hosts: "b1:9092"  # the broker
                    topic: orders

            # trailing comment
            health:
              sink_failing_ms: 60000

            """;

        var (text, problem) = ConfigFileEditor.AddItems(file, Block);

        Assert.Null(problem);
        var lines = text!.Split('\n');
        foreach (var line in file.Split('\n'))
        {
            Assert.Contains(line, lines);
        }

        Assert.Contains("    - name: \"new\"", lines);
        Assert.True(Array.IndexOf(lines, "    - name: \"new\"") < Array.IndexOf(lines, "# trailing comment"), "the sink goes inside the sinks list");
        Assert.Contains("functions:", lines);
        Assert.Contains("      function route(action, record, changes, metadata) {", lines);
        Assert.DoesNotContain("NEW_PASSWORD", text, StringComparison.Ordinal);
        var loaded = Yaml.Load(text);
        Assert.True(loaded.IsValid, string.Join("; ", loaded.Errors) + "\n" + text);
        var config = loaded.Config!;
        Assert.Equal(["orders", "new"], config.Sinks.Select(s => s.Name));
        Assert.Equal("new-routing", config.FindSink("new")!.RoutingFunction!.Name);
        Assert.Equal(60_000, config.Health.SinkFailing.TotalMilliseconds);
    }

    [Fact]
    public void AListWrittenInlineIsNotEdited()
    {
        var (text, problem) = ConfigFileEditor.AddItems("databases: []\nsinks: []\n", Block);

        Assert.Null(text);
        Assert.Contains("'sinks:' inline", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileWithoutTheListsGetsThemAtItsEnd()
    {
        var (text, problem) = ConfigFileEditor.AddItems("# only a comment\n", Block);

        Assert.Null(problem);
        Assert.StartsWith("# only a comment\nfunctions:\n  - name: \"new-routing\"", text, StringComparison.Ordinal);
        Assert.Contains("sinks:\n  - name: \"new\"\n", text, StringComparison.Ordinal);
    }
}
