using System.Text;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Redis.Internal;

namespace Sequin.Sinks.Redis.Tests;

/// <summary>How a change becomes a Redis string command: the default route (as the original's), the route's rules, the stored value.</summary>
public sealed class RedisStringRoutingTests
{
    private readonly IRoutedConsumer _routing = ((ISinkPlugin)new RedisStringSink()).Routing;

    [Theory]
    [InlineData(ChangeAction.Insert, "set")]
    [InlineData(ChangeAction.Update, "set")]
    [InlineData(ChangeAction.Read, "set")]
    [InlineData(ChangeAction.Delete, "del")]
    public void TheDefaultRouteKeysTheRowByTableAndPrimaryKeysAndMapsTheAction(ChangeAction action, string expected)
    {
        var route = new Route(_routing.Keys);
        _routing.ApplyDefaultRoute(Some.Change(7, action: action), route);

        Assert.Equal("sequin:orders:eu-7", route[RedisStringSink.KeyKey]);
        Assert.Equal(expected, route[RedisStringSink.ActionKey]);
        Assert.Null(route[RedisStringSink.ExpireMsKey]);
        Assert.All(_routing.Keys, k => Assert.Null(k.Check(route[k.Name])));
    }

    [Fact]
    public void RouteValuesAreCheckedAsTheOriginalChecksThem()
    {
        var key = _routing.Keys.Single(k => k.Name == "key");
        var action = _routing.Keys.Single(k => k.Name == "action");
        var expire = _routing.Keys.Single(k => k.Name == "expire_ms");

        Assert.NotNull(key.Check("has space"));
        Assert.NotNull(key.Check(new string('k', 513)));
        Assert.Null(key.Check(new string('k', 512)));
        Assert.NotNull(action.Check("put"));
        Assert.NotNull(expire.Check("0"));
        Assert.NotNull(expire.Check("-5"));
        Assert.Null(expire.Check("250"));
        Assert.Null(expire.Check(null));
    }

    [Fact]
    public void ASetStoresTheMessageJsonWithTheSinksExpiryUnlessTheRouteGivesOne()
    {
        var message = Some.StringMessage(1);
        var command = RedisStringCommand.For(message, defaultExpireMs: 60_000);
        Assert.Equal(("sequin:orders:eu-1", false, TimeSpan.FromMinutes(1)), (command.Key, command.IsDelete, command.Expiry));
        Assert.Equal(message.Payload.ToArray(), command.Value.ToArray());

        var routed = RedisStringCommand.For(Some.StringMessage(1, expireMs: "1500"), defaultExpireMs: 60_000);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), routed.Expiry);

        Assert.Null(RedisStringCommand.For(Some.StringMessage(1), defaultExpireMs: null).Expiry);
    }

    [Fact]
    public void ADeleteIsADelOfTheKey()
    {
        var command = RedisStringCommand.For(Some.StringMessage(1, ChangeAction.Delete), defaultExpireMs: 60_000);
        Assert.Equal(("sequin:orders:eu-1", true), (command.Key, command.IsDelete));
    }

    [Theory]
    [InlineData("\"plain text, \\\"quoted\\\" é\"", "plain text, \"quoted\" é")]
    [InlineData("42", "42")]
    [InlineData("-3.5e2 ", "-3.5e2")]
    [InlineData("{\"a\":1}", "{\"a\":1}")]
    [InlineData("[1,2]", "[1,2]")]
    [InlineData("true", "true")]
    public void ATransformReturningAStringOrNumberIsStoredAsItIsAndAnythingElseAsJson(string transformed, string stored)
    {
        var command = RedisStringCommand.For(Some.StringMessage(1, transformed: transformed), defaultExpireMs: null);
        Assert.Equal(stored, Encoding.UTF8.GetString(command.Value.Span));
    }

    [Fact]
    public void TheDefaultRoutingFunctionReturnsTheDefaultRoute()
    {
        Assert.Contains("key: `sequin:${metadata.table_name}:${metadata.record_pks.join(\"-\")}`", _routing.DefaultRoutingFunction, StringComparison.Ordinal);
        Assert.Contains("action === \"delete\" ? \"del\" : \"set\"", _routing.DefaultRoutingFunction, StringComparison.Ordinal);
    }
}
