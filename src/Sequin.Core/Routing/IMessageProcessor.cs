using Sequin.Messages;

namespace Sequin.Routing;

/// <summary>
/// Runs a sink's filter function, router and transform on one message. Not thread-safe: the runtime creates one per
/// worker partition through <see cref="IMessageProcessorFactory"/> (a JavaScript engine is single-threaded).
/// </summary>
internal interface IMessageProcessor
{
    /// <summary>Filters, routes and builds the payload of a message. Never throws for bad user code: returns Failed.</summary>
    /// <param name="message">The change.</param>
    /// <param name="groupId">Its ordering group, already computed by the runtime.</param>
    /// <param name="enrichmentJson">Its <c>metadata.enrichment</c> from the sink's enrichment function (a JSON object), or null.</param>
    ProcessResult Process(ChangeMessage message, string? groupId, string? enrichmentJson = null);
}
