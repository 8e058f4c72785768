using System.Net;

namespace Sequin.Sinks.Webhook.Tests;

/// <summary>An in-process HTTP transport: records each request and answers with the next scripted response.</summary>
internal sealed class FakeHttpHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _responses = new();

    /// <summary>The requests received, with their bodies read.</summary>
    public List<(HttpMethod Method, Uri Uri, string? Authorization, string Body)> Requests { get; } = [];

    /// <summary>Queues an answer.</summary>
    public FakeHttpHandler Answer(HttpStatusCode status, string body = "", Action<HttpResponseMessage>? configure = null)
    {
        _responses.Enqueue(() =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body) };
            configure?.Invoke(response);
            return response;
        });
        return this;
    }

    /// <summary>Queues a connection failure.</summary>
    public FakeHttpHandler Fail(string reason)
    {
        _responses.Enqueue(() => throw new HttpRequestException(reason));
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), body));
        return _responses.Count == 0
            ? throw new InvalidOperationException($"No answer scripted for {request.Method} {request.RequestUri}.")
            : _responses.Dequeue()();
    }
}
