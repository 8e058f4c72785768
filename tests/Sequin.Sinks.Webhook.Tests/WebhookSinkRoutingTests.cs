using Sequin.Sinks;

namespace Sequin.Sinks.Webhook.Tests;

/// <summary>Routing as Core runs it: the default route, then the static options (static) or a function's output (dynamic).</summary>
public sealed class WebhookSinkRoutingTests
{
    private readonly WebhookSink _sink = new();

    private IRoutedConsumer Routing => ((ISinkPlugin)_sink).Routing;

    private ISinkSchema Schema => ((ISinkPlugin)_sink).Schema;

    [Fact]
    public void StaticRoutingSendsEveryMessageToTheConfiguredDestination()
    {
        var parsed = Schema.Parse(Some.Config(("url", "https://api.example.com"), ("destination", "orders-hook")), RoutingMode.Static, Some.Path);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));

        var route = new Route(Routing.Keys);
        Routing.ApplyDefaultRoute(Some.Change(1), route);
        Routing.ApplyStaticRoute(parsed.Options, route);

        Assert.Equal("orders-hook", route[WebhookSink.DestinationKey]);
        Assert.Null(Routing.Validate(route));
    }

    [Fact]
    public void StaticRoutingRequiresTheDestination()
    {
        var parsed = Schema.Parse(Some.Config(("url", "https://api.example.com")), RoutingMode.Static, Some.Path);

        var error = Assert.Single(parsed.Errors);
        Assert.Equal(Some.Path + ".destination", error.Path);
    }

    [Fact]
    public void DynamicRoutingDefaultsToTheTableAndIgnoresTheConfiguredDestination()
    {
        var parsed = Schema.Parse(Some.Config(("url", "https://api.example.com"), ("destination", "ignored")), RoutingMode.Dynamic, Some.Path);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        Assert.Null(Assert.IsType<WebhookSinkOptions>(parsed.Options).Destination);

        var route = new Route(Routing.Keys);
        Routing.ApplyDefaultRoute(Some.Change(1), route);

        Assert.Equal("public.orders", route[WebhookSink.DestinationKey]);
    }

    [Fact]
    public void DynamicRoutingChecksWhatARoutingFunctionReturns()
    {
        var key = Assert.Single(Routing.Keys);
        Assert.Equal(WebhookSink.DestinationKey, key.Name);

        Assert.Null(key.Check("orders-eu"));
        Assert.NotNull(key.Check("has spaces"));
        Assert.NotNull(key.Check(new string('x', 256)));
        Assert.NotNull(key.Check(null)); // required: a function must set it (the default route does, unless it is cleared)
    }

    [Fact]
    public void DefaultRoutingFunctionSetsTheDestination()
    {
        Assert.Contains("function route(action, record, changes, metadata)", Routing.DefaultRoutingFunction, StringComparison.Ordinal);
        Assert.Contains("destination:", Routing.DefaultRoutingFunction, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchesNeverMixDestinations()
    {
        var limits = ((ISinkPlugin)_sink).GetLimits(new WebhookSinkOptions());

        Assert.Equal([WebhookSink.DestinationKey], limits.BatchBy);
        Assert.Equal(WebhookSink.MaxBatchMessages, limits.MaxBatchMessages);
    }
}
