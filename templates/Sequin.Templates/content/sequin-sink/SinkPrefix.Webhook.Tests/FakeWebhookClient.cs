using System.Text;
using Sequin.Sinks;

namespace SinkPrefix.Webhook.Tests;

/// <summary>A fake <see cref="IWebhookClient"/>: records calls, answers with scripted results or a failure.</summary>
internal sealed class FakeWebhookClient : IWebhookClient
{
    /// <summary>Each send's destination and payloads (as text).</summary>
    public List<(string? Destination, IReadOnlyList<string> Payloads)> Sent { get; } = [];

    /// <summary>Results for the next sends; all delivered when empty.</summary>
    public Queue<DeliveryOutcome[]> Results { get; } = new();

    /// <summary>Thrown by every call when set.</summary>
    public WebhookClientException? Failure { get; set; }

    public List<string?> CheckedDestinations { get; } = [];

    public int CredentialChecks { get; private set; }

    public bool Disposed { get; private set; }

    public Task<IReadOnlyList<DeliveryOutcome>> SendBatchAsync(string? destination, IReadOnlyList<RoutedMessage> messages, CancellationToken cancellationToken)
    {
        Sent.Add((destination, [.. messages.Select(m => Encoding.UTF8.GetString(m.Payload.Span))]));
        if (Failure is not null)
        {
            throw Failure;
        }

        IReadOnlyList<DeliveryOutcome> results = Results.Count > 0 ? Results.Dequeue() : new DeliveryOutcome[messages.Count];
        return Task.FromResult(results);
    }

    public Task CheckDestinationAsync(string? destination, CancellationToken cancellationToken)
    {
        CheckedDestinations.Add(destination);
        return Failure is null ? Task.CompletedTask : Task.FromException(Failure);
    }

    public Task CheckCredentialsAsync(CancellationToken cancellationToken)
    {
        CredentialChecks++;
        return Failure is null ? Task.CompletedTask : Task.FromException(Failure);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
