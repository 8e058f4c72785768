using Sequin.Sinks;
using Sequin.Sinks.Sns.Tests.Support;

namespace Sequin.Sinks.Sns.Tests;

/// <summary>The SNS sink's routing as the runtime sees it (<see cref="ISinkPlugin.Routing"/>).</summary>
public sealed class SnsSinkRoutingTests
{
    private readonly IRoutedConsumer _routing = ((ISinkPlugin)new SnsSink()).Routing;

    [Fact]
    public void TheOnlyKeyIsARequiredTopicArn()
    {
        var key = Assert.Single(_routing.Keys);
        Assert.Equal("topic_arn", key.Name);
        Assert.True(key.Required);
        Assert.Equal(2000, key.MaxLength);
    }

    [Fact]
    public void DefaultRouteLeavesTheTopicUnsetSoDynamicRoutingMustReturnOne()
    {
        var route = new Route(_routing.Keys);

        _routing.ApplyDefaultRoute(Some.Change(1), route);

        Assert.Null(route["topic_arn"]);
        Assert.Contains("required", route.Keys[0].Check(route["topic_arn"]), StringComparison.Ordinal);
    }

    [Fact]
    public void StaticRouteTakesTheConfiguredTopic()
    {
        var route = new Route(_routing.Keys);

        _routing.ApplyStaticRoute(new SnsSinkOptions { TopicArn = Some.FifoTopicArn }, route);

        Assert.Equal(Some.FifoTopicArn, route["topic_arn"]);
    }

    [Theory]
    [InlineData("arn:aws:sns:us-east-1:123456789012:orders", true)]
    [InlineData("arn:aws:sns:us-east-1:123456789012:orders.fifo", true)]
    [InlineData("arn:aws-cn:sns:cn-north-1:123456789012:orders", true)]
    [InlineData("arn:aws:sns:<region>:<account-id>:sequin-shop-public-orders", false)]
    [InlineData("arn:aws:sns:us-east-1:123456789012:", false)]
    [InlineData("", false)]
    public void KeyRuleAcceptsOnlySnsTopicArns(string value, bool valid)
    {
        var error = _routing.Keys[0].Check(value);

        Assert.Equal(valid, error is null);
        if (!valid)
        {
            Assert.Contains("topic_arn", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DefaultRoutingFunctionIsEs5WithThePlaceholderArn()
    {
        var code = _routing.DefaultRoutingFunction;

        Assert.Contains("function route(action, record, changes, metadata)", code, StringComparison.Ordinal);
        Assert.Contains("arn:aws:sns:<region>:<account-id>:sequin-", code, StringComparison.Ordinal);
        Assert.DoesNotContain("=>", code, StringComparison.Ordinal);
        Assert.DoesNotContain("`", code, StringComparison.Ordinal);
        Assert.DoesNotContain("const ", code, StringComparison.Ordinal);
        Assert.DoesNotContain("let ", code, StringComparison.Ordinal);
    }

    [Fact]
    public void PluginNamesTheSinkAndItsParts()
    {
        ISinkPlugin plugin = new SnsSink();

        Assert.Equal("sns", plugin.TypeName);
        Assert.Equal(["topic_arn"], plugin.Routing.Keys.Select(k => k.Name));
        Assert.Equal(10, plugin.Schema.Fields.Count); // topic_arn, is_fifo, message_group and the seven AWS keys
        var attribute = Assert.Single(typeof(SnsSink).Assembly.GetCustomAttributes(typeof(SequinSinkPluginAttribute), false));
        Assert.Equal(typeof(SnsSink), ((SequinSinkPluginAttribute)attribute).PluginType);
    }
}
