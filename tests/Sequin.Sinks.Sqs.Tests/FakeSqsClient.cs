using System.Text;
using Sequin.Sinks;

namespace Sequin.Sinks.Sqs.Tests;

/// <summary>A fake <see cref="ISqsClient"/>: records calls, answers with scripted results or a failure.</summary>
internal sealed class FakeSqsClient : ISqsClient
{
    /// <summary>Each send's queue URL and payloads (as text).</summary>
    public List<(string QueueUrl, IReadOnlyList<string> Payloads)> Sent { get; } = [];

    /// <summary>Results for the next sends; all delivered when empty.</summary>
    public Queue<DeliveryOutcome[]> Results { get; } = new();

    /// <summary>Thrown by every call when set.</summary>
    public SqsClientException? Failure { get; set; }

    public List<string> CheckedDestinations { get; } = [];

    public int CredentialChecks { get; private set; }

    public bool Disposed { get; private set; }

    public Task<IReadOnlyList<DeliveryOutcome>> SendBatchAsync(string queueUrl, IReadOnlyList<RoutedMessage> messages, CancellationToken cancellationToken)
    {
        Sent.Add((queueUrl, [.. messages.Select(m => Encoding.UTF8.GetString(m.Payload.Span))]));
        if (Failure is not null)
        {
            throw Failure;
        }

        IReadOnlyList<DeliveryOutcome> results = Results.Count > 0 ? Results.Dequeue() : new DeliveryOutcome[messages.Count];
        return Task.FromResult(results);
    }

    public Task CheckDestinationAsync(string queueUrl, CancellationToken cancellationToken)
    {
        CheckedDestinations.Add(queueUrl);
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
