using System.Text;

namespace Sequin.Sinks.Sqs.Tests;

/// <summary>A fake <see cref="ISqsClient"/>: records calls, answers with scripted results or a failure.</summary>
internal sealed class FakeSqsClient : ISqsClient
{
    /// <summary>Each send's destination and payloads (as text).</summary>
    public List<(string? Destination, IReadOnlyList<string> Payloads)> Sent { get; } = [];

    /// <summary>Results for the next sends; all delivered when empty.</summary>
    public Queue<SqsSendResult[]> Results { get; } = new();

    /// <summary>Thrown by every call when set.</summary>
    public SqsClientException? Failure { get; set; }

    public List<string?> CheckedDestinations { get; } = [];

    public int CredentialChecks { get; private set; }

    public bool Disposed { get; private set; }

    public Task<IReadOnlyList<SqsSendResult>> SendBatchAsync(string? destination, IReadOnlyList<ReadOnlyMemory<byte>> payloads, CancellationToken cancellationToken)
    {
        Sent.Add((destination, [.. payloads.Select(p => Encoding.UTF8.GetString(p.Span))]));
        if (Failure is not null)
        {
            throw Failure;
        }

        IReadOnlyList<SqsSendResult> results = Results.Count > 0 ? Results.Dequeue() : new SqsSendResult[payloads.Count];
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
