using System.Text.Json;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Redis.Internal;

namespace Sequin.Sinks.Redis.Tests;

/// <summary>How a change becomes a stream entry: the stream (static, or the dynamic default) and the entry's fields.</summary>
public sealed class RedisStreamRoutingTests
{
    private readonly ISinkPlugin _sink = new RedisStreamSink();

    [Fact]
    public void StaticRoutingAddsEveryChangeToTheConfiguredStream()
    {
        var parsed = _sink.Schema.Parse(Some.Config(("host", "h"), ("stream_key", "orders-events")), RoutingMode.Static, Some.Path);
        var route = new Route(_sink.Routing.Keys);
        _sink.Routing.ApplyDefaultRoute(Some.Change(1), route);
        _sink.Routing.ApplyStaticRoute(parsed.Options, route);
        Assert.Equal("orders-events", route[RedisStreamSink.StreamKeyKey]);
    }

    [Fact]
    public void DynamicRoutingDefaultsToSequinSchemaTable()
    {
        var route = new Route(_sink.Routing.Keys);
        _sink.Routing.ApplyDefaultRoute(Some.Change(1), route);
        Assert.Equal("sequin.public.orders", route[RedisStreamSink.StreamKeyKey]);
        Assert.NotNull(_sink.Routing.Keys.Single().Check("two words"));
        Assert.NotNull(_sink.Routing.Keys.Single().Check(new string('s', 256)));
    }

    [Fact]
    public void TheEntryHasOneFieldPerTopLevelKeyStringsAsTheyAreOthersAsJson()
    {
        var change = Some.Change(3, "gadget", ChangeAction.Update);
        Assert.True(RedisStreamEntry.TryGetFields(Some.Json(change), out var fields, out var error), error);

        Assert.Equal(["record", "changes", "action", "metadata"], fields.Select(f => f.Name.ToString()));
        Assert.Equal("update", fields[2].Value.ToString());
        using var record = JsonDocument.Parse(fields[0].Value.ToString());
        Assert.Equal("gadget", record.RootElement.GetProperty("name").GetString());
        using var metadata = JsonDocument.Parse(fields[3].Value.ToString());
        Assert.Equal("orders", metadata.RootElement.GetProperty("table_name").GetString());
    }

    [Fact]
    public void ATransformsObjectGivesItsOwnFields()
    {
        Assert.True(RedisStreamEntry.TryGetFields("{\"id\":5,\"name\":\"x\",\"tags\":null}"u8.ToArray(), out var fields, out _));
        Assert.Equal([("id", "5"), ("name", "x"), ("tags", "null")], fields.Select(f => (f.Name.ToString(), f.Value.ToString())));
    }

    [Theory]
    [InlineData("\"just text\"", "a string")]
    [InlineData("[1]", "an array")]
    [InlineData("{}", "empty JSON object")]
    public void AMessageThatIsNotAnObjectWithFieldsIsRefusedWithTheReason(string payload, string reason)
    {
        Assert.False(RedisStreamEntry.TryGetFields(System.Text.Encoding.UTF8.GetBytes(payload), out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
