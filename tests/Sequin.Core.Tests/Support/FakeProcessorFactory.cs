using Sequin.Messages;
using Sequin.Routing;
using Sequin.Sinks;

namespace Sequin.Core.Tests.Support;

/// <summary>
/// Creates processors that route every message to topic = table name with a payload of <see cref="PayloadSize"/>
/// bytes, unless <see cref="Decide"/> says otherwise. Checks that no processor is used by two threads at once.
/// </summary>
internal sealed class FakeProcessorFactory : IMessageProcessorFactory
{
    public static readonly IReadOnlyList<RoutableKey> Keys = [new RoutableKey("topic", "The topic")];

    private int _created;

    public int Created => Volatile.Read(ref _created);

    public int PayloadSize { get; set; } = 10;

    /// <summary>Returns a result to use instead of routing, or null to route.</summary>
    public Func<ChangeMessage, string?, ProcessResult?>? Decide { get; set; }

    public int ConcurrentUseViolations;

    /// <summary>The <c>metadata.enrichment</c> each processed message was given, in processing order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string?> Enrichments { get; } = new();

    public IMessageProcessor Create()
    {
        Interlocked.Increment(ref _created);
        return new Processor(this);
    }

    public RoutedMessage Route(ChangeMessage message, string? groupId, int? payloadSize = null)
    {
        var route = new Route(Keys) { ["topic"] = message.Relation.Table };
        return new RoutedMessage(message, route, groupId, new byte[payloadSize ?? PayloadSize], false);
    }

    private sealed class Processor(FakeProcessorFactory owner) : IMessageProcessor
    {
        private int _busy;

        public ProcessResult Process(ChangeMessage message, string? groupId, string? enrichmentJson = null)
        {
            owner.Enrichments.Enqueue(enrichmentJson);
            if (Interlocked.Exchange(ref _busy, 1) != 0)
            {
                Interlocked.Increment(ref owner.ConcurrentUseViolations);
            }

            try
            {
                return owner.Decide?.Invoke(message, groupId) ?? ProcessResult.Routed(owner.Route(message, groupId));
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        }
    }
}
