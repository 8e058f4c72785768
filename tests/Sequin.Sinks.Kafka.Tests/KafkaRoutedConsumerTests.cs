using Sequin.Sinks;
using Sequin.Sinks.Kafka.Tests.Support;

namespace Sequin.Sinks.Kafka.Tests;

public sealed class KafkaRoutedConsumerTests
{
    private readonly IRoutedConsumer _routing = ((ISinkPlugin)new KafkaSink()).Routing;

    private Route NewRoute() => new(_routing.Keys);

    [Fact]
    public void DefaultRouteIsSequinSchemaTableWithoutKey()
    {
        var route = NewRoute();

        _routing.ApplyDefaultRoute(Some.Change(1, relation: Some.Relation("sales", "orders")), route);

        Assert.Equal("sequin.sales.orders", route[KafkaSink.TopicKey]);
        Assert.Null(route[KafkaSink.MessageKeyKey]);
    }

    [Fact]
    public void DefaultTopicIsCachedPerRelation()
    {
        var relation = Some.Relation("public", "items");
        var first = NewRoute();
        var second = NewRoute();

        _routing.ApplyDefaultRoute(Some.Change(1, relation: relation), first);
        _routing.ApplyDefaultRoute(Some.Change(2, relation: relation), second);

        Assert.Same(first[KafkaSink.TopicKey], second[KafkaSink.TopicKey]);
    }

    [Fact]
    public void StaticRouteSetsTheConfiguredTopic()
    {
        var route = NewRoute();
        _routing.ApplyDefaultRoute(Some.Change(1), route);

        _routing.ApplyStaticRoute(new KafkaSinkOptions { Hosts = "h:1", Topic = "orders" }, route);

        Assert.Equal("orders", route[KafkaSink.TopicKey]);
        Assert.Null(route[KafkaSink.MessageKeyKey]);
    }

    [Fact]
    public void StaticRouteRejectsOtherOptionsTypes()
    {
        Assert.Throws<ArgumentException>(() => _routing.ApplyStaticRoute(new object(), NewRoute()));
    }

    [Fact]
    public void KeysAreTopicAndMessageKey()
    {
        Assert.Equal(["topic", "message_key"], _routing.Keys.Select(k => k.Name));
        Assert.True(_routing.Keys[0].Required);
        Assert.False(_routing.Keys[1].Required);
    }

    [Fact]
    public void TopicIsRequired()
    {
        Assert.NotNull(_routing.Keys[0].Check(null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("tab\tbed")]
    public void TopicRejectsEmptyOrWhitespace(string topic)
    {
        Assert.NotNull(_routing.Keys[0].Check(topic));
    }

    [Fact]
    public void TopicAllows255CharactersAndRejects256()
    {
        Assert.Null(_routing.Keys[0].Check(new string('a', 255)));
        Assert.Contains("too long", _routing.Keys[0].Check(new string('a', 256)), StringComparison.Ordinal);
    }

    [Fact]
    public void MessageKeyIsOptionalUpTo512CharactersWithoutWhitespace()
    {
        var key = _routing.Keys[1];

        Assert.Null(key.Check(null));
        Assert.Null(key.Check(new string('k', 512)));
        Assert.NotNull(key.Check(new string('k', 513)));
        Assert.NotNull(key.Check("a b"));
        Assert.NotNull(key.Check(string.Empty));
    }

    [Theory]
    [InlineData("sequin.public.users", true)]
    [InlineData("Orders_2024-v1", true)]
    [InlineData("topic/with/slash", false)]
    [InlineData("émoji", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    public void ValidateChecksKafkaTopicCharacters(string topic, bool valid)
    {
        var route = NewRoute();
        route[KafkaSink.TopicKey] = topic;

        var error = _routing.Validate(route);

        Assert.Equal(valid, error is null);
        if (!valid)
        {
            Assert.Contains("not a valid Kafka topic name", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DefaultRoutingFunctionNamesBothKeysInCurrentJavaScript()
    {
        var code = _routing.DefaultRoutingFunction;

        Assert.StartsWith("function route(action, record, changes, metadata)", code, StringComparison.Ordinal);
        Assert.Contains("`sequin.${metadata.table_schema}.${metadata.table_name}`", code, StringComparison.Ordinal);
        Assert.Contains("message_key = metadata.record_pks.join(\":\")", code, StringComparison.Ordinal);
    }
}
