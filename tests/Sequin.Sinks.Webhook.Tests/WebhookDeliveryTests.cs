using System.Net;
using System.Text.Json.Nodes;
using Sequin.Sinks;

namespace Sequin.Sinks.Webhook.Tests;

/// <summary>The delivery against an in-process fake HTTP transport: requests, per-message outcomes, errors, connection tests.</summary>
public sealed class WebhookDeliveryTests : IDisposable
{
    private readonly FakeHttpHandler _http = new();
    private readonly HttpClient _client;

    public WebhookDeliveryTests() => _client = new HttpClient(_http);

    private static WebhookSinkOptions Options => new()
    {
        Url = new Uri("https://api.example.com/v1/"),
        ApiKey = "k-123",
        Destination = "orders-hook",
    };

    [Fact]
    public async Task PostsTheBatchAsOneJsonArrayWithTheKey()
    {
        _http.Answer(HttpStatusCode.OK);
        await using var delivery = new WebhookDelivery(Options, _client);

        var outcomes = await delivery.DeliverAsync(Some.Batch(1, 2, 3), CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered));
        Assert.Equal(3, outcomes.Count);
        var request = Assert.Single(_http.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://api.example.com/v1/orders-hook", request.Uri.AbsoluteUri);
        Assert.Equal("Bearer k-123", request.Authorization);
        var sent = JsonNode.Parse(request.Body)!.AsArray();
        Assert.Equal([1, 2, 3], sent.Select(m => (int)m!["record"]!["id"]!));
        Assert.All(sent, m => Assert.Equal("insert", (string?)m!["action"]));
    }

    [Fact]
    public async Task PerMessageResultsBecomeDeliveredRetryableAndPermanentOutcomes()
    {
        _http.Answer(HttpStatusCode.OK, """[{}, {"error": "malformed", "retryable": false}, {"error": "throttled"}]""");
        await using var delivery = new WebhookDelivery(Options, _client);

        var outcomes = await delivery.DeliverAsync(Some.Batch(1, 2, 3), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, outcomes[0].Status);
        Assert.Equal(DeliveryStatus.Permanent, outcomes[1].Status);
        Assert.Equal("malformed", outcomes[1].Error);
        Assert.Equal(DeliveryStatus.Retryable, outcomes[2].Status);
        Assert.Equal("throttled", outcomes[2].Error);
    }

    [Fact]
    public async Task ServerErrorsAreRetryableWithRetryAfter()
    {
        _http.Answer(HttpStatusCode.ServiceUnavailable, "busy", r => r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7)));
        await using var delivery = new WebhookDelivery(Options, _client);

        var outcomes = await delivery.DeliverAsync(Some.Batch(1, 2), CancellationToken.None);

        Assert.All(outcomes, o =>
        {
            Assert.Equal(DeliveryStatus.Retryable, o.Status);
            Assert.Equal(TimeSpan.FromSeconds(7), o.RetryAfter);
            Assert.Contains("503", o.Error, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task ARefusedRequestIsPermanentAndAnUnreachableOneRetryable()
    {
        _http.Answer(HttpStatusCode.BadRequest, "bad payload").Fail("connection refused");
        await using var delivery = new WebhookDelivery(Options, _client);

        var refused = await delivery.DeliverAsync(Some.Batch(1), CancellationToken.None);
        var unreachable = await delivery.DeliverAsync(Some.Batch(2), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Permanent, Assert.Single(refused).Status);
        Assert.Contains("bad payload", refused[0].Error, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Retryable, Assert.Single(unreachable).Status);
        Assert.Contains("connection refused", unreachable[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionTestChecksTheResourceAndCredentialsTestTheKeyOnly()
    {
        _http.Answer(HttpStatusCode.OK).Answer(HttpStatusCode.NotFound).Answer(HttpStatusCode.Unauthorized).Answer(HttpStatusCode.NotFound);
        await using var delivery = new WebhookDelivery(Options, _client);

        var reachable = await delivery.TestConnectionAsync(CancellationToken.None);
        var missing = await delivery.TestConnectionAsync(CancellationToken.None);
        var refused = await delivery.TestCredentialsAsync(CancellationToken.None);
        var accepted = await delivery.TestCredentialsAsync(CancellationToken.None);

        Assert.True(reachable.Success, reachable.Message);
        Assert.False(missing.Success);
        Assert.Contains("404", missing.Message, StringComparison.Ordinal);
        Assert.False(refused.Success);
        Assert.Contains("api_key", refused.Message, StringComparison.Ordinal);
        Assert.True(accepted.Success, accepted.Message);
        Assert.DoesNotContain(_http.Requests, r => r.Method != HttpMethod.Get);
        Assert.Equal("https://api.example.com/v1/", _http.Requests[^1].Uri.AbsoluteUri);
    }

    public void Dispose()
    {
        _client.Dispose();
        _http.Dispose();
    }
}
