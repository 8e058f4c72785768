using System.Net;
using System.Text;
using System.Text.Json;
using Sequin.Sinks;
using Sequin.TestServers;

namespace Sequin.Sinks.Webhook.Tests;

/// <summary>The delivery against a real HTTP server (Kestrel on loopback): bodies, headers, statuses, timeouts, TLS, signatures.</summary>
public sealed class WebhookDeliveryTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task ABatchIsOneRequestWithDataArrayRouteMethodPathHeadersAndIdempotencyKey()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var options = Some.Options(("url", new Uri(receiver.Url, "/base").ToString()), ("headers:X-Static", "a"), ("encrypted_headers:Authorization", "Bearer t"));
        await using var delivery = Some.Delivery(options);
        var batch = new SinkBatch("k", [Some.Routed(1, "PUT", "/orders", "{\"X-Route\":\"r\",\"X-Static\":\"b\"}"), Some.Routed(2, "PUT", "/orders", "{\"X-Route\":\"r\",\"X-Static\":\"b\"}")]);

        var outcomes = await delivery.DeliverAsync(batch, None);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered));
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(("PUT", "/base/orders"), (request.Method, request.Path));
        Assert.Equal("b", request.Headers["X-Static"]); // route headers win over the endpoint's
        Assert.Equal("r", request.Headers["X-Route"]);
        Assert.Equal("Bearer t", request.Headers["Authorization"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.StartsWith("batch-", request.Headers["Idempotency-Key"], StringComparison.Ordinal);
        using var body = JsonDocument.Parse(request.Text);
        var data = body.RootElement.GetProperty("data");
        Assert.Equal([1, 2], data.EnumerateArray().Select(m => m.GetProperty("record").GetProperty("id").GetInt32()));
    }

    [Fact]
    public async Task BatchFalseSendsEachMessageAloneWithItsOwnIdempotencyKey()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var delivery = Some.Delivery(Some.Options(("url", receiver.Url.ToString()), ("batch", "false")));
        var batch = Some.Batch(1, 2, 3);

        var outcomes = await delivery.DeliverAsync(batch, None);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered));
        Assert.Equal(3, receiver.Requests.Count);
        foreach (var request in receiver.Requests)
        {
            using var body = JsonDocument.Parse(request.Text);
            Assert.Equal(body.RootElement.GetProperty("metadata").GetProperty("idempotency_key").GetString(), request.Headers["Idempotency-Key"]);
            Assert.Equal("insert", body.RootElement.GetProperty("action").GetString());
        }
    }

    [Fact]
    public async Task A503WithRetryAfterIsRetryableWithThatDelayAndA400IsPermanent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var delivery = Some.Delivery(Some.Options(("url", receiver.Url.ToString())));
        receiver.Respond = (_, response, _) =>
        {
            response.Headers.RetryAfter = "2";
            return Task.FromResult(503);
        };

        var throttled = Assert.Single(await delivery.DeliverAsync(Some.Batch(1), None));
        receiver.Respond = (_, _, _) => Task.FromResult(400);
        var refused = Assert.Single(await delivery.DeliverAsync(Some.Batch(2), None));
        receiver.Respond = (_, _, _) => Task.FromResult(429);
        var limited = Assert.Single(await delivery.DeliverAsync(Some.Batch(3), None));

        Assert.Equal((DeliveryStatus.Retryable, TimeSpan.FromSeconds(2)), (throttled.Status, throttled.RetryAfter));
        Assert.Contains("answered 503", throttled.Error, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Permanent, refused.Status);
        Assert.Contains($"POST {receiver.Url} answered 400", refused.Error, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Retryable, limited.Status);
    }

    [Fact]
    public async Task AReceiverThatHangsFailsRetryablyAfterAckWaitMs()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return 200;
        };
        await using var delivery = Some.Delivery(Some.Options(("url", receiver.Url.ToString()), ("ack_wait_ms", "500")));

        var outcome = Assert.Single(await delivery.DeliverAsync(Some.Batch(1), None));

        Assert.Equal(DeliveryStatus.Retryable, outcome.Status);
        Assert.Contains("did not answer within ack_wait_ms (500 ms)", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANetworkErrorIsRetryable()
    {
        var receiver = await WebhookReceiver.StartAsync();
        var url = receiver.Url.ToString();
        await receiver.DisposeAsync(); // nothing listens there now
        await using var delivery = Some.Delivery(Some.Options(("url", url)));

        var outcome = Assert.Single(await delivery.DeliverAsync(Some.Batch(1), None));

        Assert.Equal(DeliveryStatus.Retryable, outcome.Status);
    }

    [Fact]
    public async Task GzipIsAppliedWhenTheContentEncodingHeaderSaysSoAndTheSignatureVerifiesOverTheBodyAsSent()
    {
        const string Secret = "whsec_0123456789abcdef";
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var delivery = Some.Delivery(Some.Options(("url", receiver.Url.ToString()), ("headers:Content-Encoding", "gzip"), ("signing_secret", Secret)));

        Assert.True(Assert.Single(await delivery.DeliverAsync(Some.Batch(7), None)).IsDelivered);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal(0x1f, request.Body[0]); // gzip magic
        Assert.Contains("\"data\":[", request.Text, StringComparison.Ordinal);
        var header = request.Headers["Sequin-Signature"];
        Assert.True(SignatureRecipe.Verify(Secret, header, request.Body, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        Assert.False(SignatureRecipe.Verify("another-secret-0123456789", header, request.Body, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        Assert.False(SignatureRecipe.Verify(Secret, header, [.. request.Body, 0], DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        Assert.False(SignatureRecipe.Verify(Secret, header, request.Body, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600)); // replayed an hour later
    }

    [Fact]
    public async Task ASelfSignedCertificateIsRefusedWithoutTheCaAndAcceptedWithIt()
    {
        using var certificate = WebhookReceiver.CreateSelfSignedCertificate();
        await using var receiver = await WebhookReceiver.StartAsync(certificate);
        var caFile = Path.Combine(Path.GetTempPath(), $"webhook-ca-{Guid.NewGuid():N}.pem");
        WebhookReceiver.WritePem(certificate, caFile);
        try
        {
            await using var untrusting = Some.Delivery(Some.Options(("url", receiver.Url.ToString())));
            await using var trusting = Some.Delivery(Some.Options(("url", receiver.Url.ToString()), ("ca_file", caFile)));
            await using var skipping = Some.Delivery(Some.Options(("url", receiver.Url.ToString()), ("tls_skip_verify", "true")));

            var refused = Assert.Single(await untrusting.DeliverAsync(Some.Batch(1), None));
            var accepted = Assert.Single(await trusting.DeliverAsync(Some.Batch(2), None));
            var skipped = Assert.Single(await skipping.DeliverAsync(Some.Batch(3), None));
            var refusedTest = await untrusting.TestConnectionAsync(None);
            var acceptedTest = await trusting.TestConnectionAsync(None);

            Assert.Equal(DeliveryStatus.Retryable, refused.Status);
            Assert.Contains("SSL", refused.Error, StringComparison.OrdinalIgnoreCase);
            Assert.True(accepted.IsDelivered, accepted.Error);
            Assert.True(skipped.IsDelivered, skipped.Error);
            Assert.Single(receiver.Requests, r => r.Text.Contains("\"id\":2", StringComparison.Ordinal));
            Assert.DoesNotContain(receiver.Requests, r => r.Text.Contains("\"id\":1", StringComparison.Ordinal));
            Assert.False(refusedTest.Success);
            Assert.Contains("TLS handshake failed", refusedTest.Message, StringComparison.Ordinal);
            Assert.True(acceptedTest.Success, acceptedTest.Message);
            Assert.Contains("CN=sequin-webhook-test", acceptedTest.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Fact]
    public async Task TheConnectionTestNamesAHostThatDoesNotResolve()
    {
        await using var delivery = Some.Delivery(Some.Options(("url", "https://no-such-host.invalid/hook")));

        var result = await delivery.TestConnectionAsync(None);

        Assert.False(result.Success);
        Assert.Contains("'no-such-host.invalid' does not resolve", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AtMostMaxConnectionsRequestsAreInFlight()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var inFlight = 0;
        var most = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Respond = async (_, _, ct) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            if (now >= 2)
            {
                release.TrySetResult();
            }

            await release.Task.WaitAsync(ct);
            Interlocked.Decrement(ref inFlight);
            return 200;
        };
        await using var delivery = Some.Delivery(Some.Options(("url", receiver.Url.ToString()), ("batch", "false"), ("max_connections", "2")));

        var outcomes = await delivery.DeliverAsync(Some.Batch(1, 2, 3, 4, 5, 6), None);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered));
        Assert.Equal(2, most);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
