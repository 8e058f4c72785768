using System.Text.Json.Nodes;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;
using Sequin.TestServers.Aws;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 7: Postgres changes reach SQS queues subscribed to SNS topics through the real host, with the SNS sink loaded
/// from the plugins folder: static routing (topic_arn in the config) and a routing function sending two tables to two
/// topics; and <c>sequin validate</c> refusing a <c>batch_size</c> above 10. The npm SNS/SQS emulators stand in for AWS; requests
/// are signed all the same.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SnsSinkThroughHostTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private AwsEmulators? _aws;

    private AwsEmulators Aws => _aws!;

    public async Task InitializeAsync() => _aws = await AwsEmulators.StartAsync();

    public async Task DisposeAsync()
    {
        if (_aws is not null)
        {
            await _aws.DisposeAsync();
        }
    }

    [Fact]
    public async Task StaticTopicReceivesEveryChangeWithItsAttributesInOrderPerRow()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "sns_static");
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, v int); ALTER TABLE orders REPLICA IDENTITY FULL");
        var (topic, queue) = await TopicWithQueueAsync("orders");
        await using var host = SequinHostProcess.Start(scenario.WriteConfig(
            destinationType: "sns",
            destinationFields: Destination(topic)));
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO orders VALUES (1, 0), (2, 0), (3, 0)");
        await scenario.ExecuteAsync("UPDATE orders SET v = 1 WHERE id = 1");
        await scenario.ExecuteAsync("UPDATE orders SET v = 2 WHERE id = 1");
        await scenario.ExecuteAsync("DELETE FROM orders WHERE id = 2");
        var received = await Aws.WaitForMessagesAsync(queue, 6, Wait);
        Assert.Equal(0, await host.StopAsync());

        Assert.Equal(6, received.Count);
        var messages = received.Select(m => (Body: JsonNode.Parse(m.Body)!.AsObject(), m.Attributes)).ToList();
        Assert.All(messages, m =>
        {
            Assert.Equal((string?)m.Body["action"], m.Attributes["action"]);
            Assert.Equal("public.orders", m.Attributes["table"]);
            Assert.Equal("orders", (string?)m.Body["metadata"]!["table_name"]);
        });
        var row1 = messages.Where(m => (int)m.Body["record"]!["id"]! == 1).ToList();
        Assert.Equal(["insert", "update", "update"], row1.Select(m => (string)m.Body["action"]!));
        Assert.Equal([0, 1, 2], row1.Select(m => (int)m.Body["record"]!["v"]!));
        Assert.Equal(1, (int)row1[2].Body["changes"]!["v"]!);
        var delete = Assert.Single(messages, m => (string?)m.Body["action"] == "delete");
        Assert.Equal(2, (int)delete.Body["record"]!["id"]!);
        Assert.Contains("Loaded sink plugin sns", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoutingFunctionSendsTwoTablesToTwoTopics()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "sns_dynamic");
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, v int); CREATE TABLE customers (id int PRIMARY KEY, name text)");
        var (ordersTopic, ordersQueue) = await TopicWithQueueAsync("orders");
        var (customersTopic, customersQueue) = await TopicWithQueueAsync("customers");
        var functions = $$"""
              - name: by-table
                type: routing
                sink_type: sns
                code: |-
                  function route(action, record, changes, metadata) {
                    var arn = metadata.table_name === "orders" ? "{{ordersTopic}}" : "{{customersTopic}}";
                    return { topic_arn: arn };
                  }
            """;
        var fields = Destination(topicArn: null);
        await using var host = SequinHostProcess.Start(scenario.WriteConfig("routing: by-table", "sns", fields, functions));
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO orders VALUES (1, 10), (2, 20)");
        await scenario.ExecuteAsync("INSERT INTO customers VALUES (7, 'Ada'), (8, 'Grace'), (9, 'Edsger')");
        await scenario.ExecuteAsync("UPDATE orders SET v = 11 WHERE id = 1");
        var orders = await Aws.WaitForMessagesAsync(ordersQueue, 3, Wait);
        var customers = await Aws.WaitForMessagesAsync(customersQueue, 3, Wait);
        Assert.Equal(0, await host.StopAsync());

        Assert.All(orders, m => Assert.Equal("public.orders", m.Attributes["table"]));
        Assert.All(customers, m => Assert.Equal("public.customers", m.Attributes["table"]));
        Assert.Equal([1, 1, 2], orders.Select(m => (int)JsonNode.Parse(m.Body)!["record"]!["id"]!).Order());
        Assert.Equal([7, 8, 9], customers.Select(m => (int)JsonNode.Parse(m.Body)!["record"]!["id"]!).Order());
        var order1 = orders.Select(m => JsonNode.Parse(m.Body)!).Where(m => (int)m["record"]!["id"]! == 1).Select(m => (int)m["record"]!["v"]!);
        Assert.Equal([10, 11], order1);
    }

    [Fact]
    public async Task ValidateRefusesABatchSizeAboveThePublishBatchLimitOfTen()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "sns_validate");
        var fields = Destination("arn:aws:sns:us-east-1:123456789012:orders");

        var (okExit, okOutput) = await SequinHostProcess.RunToEndAsync("validate", "--config", scenario.WriteConfig("batch_size: 10", "sns", fields), "--plugins-dir", BuildPaths.Plugins);
        var (exit, output) = await SequinHostProcess.RunToEndAsync("validate", "--config", scenario.WriteConfig("batch_size: 11", "sns", fields), "--plugins-dir", BuildPaths.Plugins);

        Assert.True(okExit == 0, $"validate exited {okExit}:\n{okOutput}");
        Assert.NotEqual(0, exit);
        Assert.Contains("sinks[0].batch_size", output, StringComparison.Ordinal);
        Assert.Contains("at most 10 for a sns sink", output, StringComparison.Ordinal);
    }

    private async Task<(string Topic, string Queue)> TopicWithQueueAsync(string name)
    {
        var unique = name + "-" + Guid.NewGuid().ToString("N")[..8];
        var topic = await Aws.CreateTopicAsync(unique);
        var queue = await Aws.CreateQueueAsync(unique + "-q");
        await Aws.SubscribeQueueAsync(topic, queue);
        return (topic, queue);
    }

    private Dictionary<string, string> Destination(string? topicArn)
    {
        var fields = new Dictionary<string, string>
        {
            ["access_key_id"] = "AKIDLOCAL",
            ["secret_access_key"] = "local-secret",
            ["endpoint_url"] = Aws.SnsEndpoint.ToString(),
        };
        if (topicArn is null)
        {
            fields["region"] = AwsEmulators.Region;
        }
        else
        {
            fields["topic_arn"] = topicArn;
        }

        return fields;
    }
}
