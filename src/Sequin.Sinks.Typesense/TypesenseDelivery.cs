using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Sequin.Sinks.Typesense.Internal;

namespace Sequin.Sinks.Typesense;

/// <summary>
/// Delivers batches to Typesense (batches share action and collection). Index batches go through the import endpoint
/// (a single document through the single-document endpoint); per-line failures fail only their document. Delete
/// batches go through <c>filter_by=id:[...]</c> (one by one when an id cannot be filtered or the server refuses the
/// filter); deleting a missing document is a success.
/// </summary>
internal sealed class TypesenseDelivery(TypesenseSinkOptions options, TypesenseSinkClient client, ILoggerFactory loggerFactory) : ISinkDelivery
{
    internal const int MaxIdsPerDeleteFilter = 100;

    private readonly TypesenseSinkOptions _options = options;
    private readonly TypesenseSinkClient _client = client;
    private readonly ILogger _logger = loggerFactory.CreateLogger<TypesenseDelivery>();

    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken) => _client.TestConnectionAsync(cancellationToken);

    public Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken) => _client.TestCredentialsAsync(cancellationToken);

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    public async ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var messages = batch.Messages;
        var outcomes = new DeliveryOutcome[messages.Count];

        // A batch shares its key; grouping again keeps delivery right even for a hand-built batch.
        var groups = new Dictionary<(string Action, string Collection), List<int>>();
        for (var i = 0; i < messages.Count; i++)
        {
            var route = messages[i].Route;
            var key = (route.GetRequired(TypesenseSink.ActionKey), route.GetRequired(TypesenseSink.CollectionNameKey));
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
            }

            list.Add(i);
        }

        foreach (var ((action, collection), indexes) in groups)
        {
            if (action == TypesenseSink.DeleteAction)
            {
                await DeleteAsync(collection, messages, indexes, outcomes, cancellationToken).ConfigureAwait(false);
            }
            else if (action == TypesenseSink.IndexAction)
            {
                await IndexAsync(collection, messages, indexes, outcomes, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                foreach (var i in indexes)
                {
                    outcomes[i] = DeliveryOutcome.Permanent($"Unknown Typesense action '{action}': expected index or delete.");
                }
            }
        }

        return outcomes;
    }

    private static List<(int Index, TypesenseDocument Document)> Build(string collection, IReadOnlyList<RoutedMessage> messages, List<int> indexes, DeliveryOutcome[] outcomes, bool withBody)
    {
        var documents = new List<(int, TypesenseDocument)>(indexes.Count);
        foreach (var i in indexes)
        {
            if (TypesenseDocumentBuilder.TryBuild(messages[i], withBody, out var document, out var error))
            {
                documents.Add((i, document!));
            }
            else
            {
                outcomes[i] = DeliveryOutcome.Permanent(error!);
            }
        }

        return documents;
    }

    private async Task IndexAsync(string collection, IReadOnlyList<RoutedMessage> messages, List<int> indexes, DeliveryOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var documents = Build(collection, messages, indexes, outcomes, withBody: true);
        if (documents.Count == 0)
        {
            return;
        }

        for (var attempt = 0; ; attempt++)
        {
            TypesenseError? error;
            if (documents.Count == 1)
            {
                var single = await _client.IndexDocumentAsync(collection, documents[0].Document, _options.ImportAction, cancellationToken).ConfigureAwait(false);
                error = single.Error;
                if (error is null)
                {
                    outcomes[documents[0].Index] = DeliveryOutcome.Delivered;
                    return;
                }

                if (!IsMissingCollection(error) && error.StatusCode is { } code && (int)code < 500 && !error.Retryable)
                {
                    // A 4xx on a single document is about that document: permanent, with Typesense's text.
                    outcomes[documents[0].Index] = DeliveryOutcome.Permanent(DocumentError(documents[0].Document.Id, collection, error.Message));
                    return;
                }
            }
            else
            {
                var import = await _client.ImportDocumentsAsync(collection, documents.ConvertAll(d => d.Document), _options.ImportAction, cancellationToken).ConfigureAwait(false);
                error = import.Error;
                if (error is null)
                {
                    ApplyImportLines(collection, documents, import.Value!, outcomes);
                    return;
                }
            }

            DeliveryOutcome outcome;
            if (IsMissingCollection(error) && _options.CreateCollectionIfMissing && attempt == 0)
            {
                var createError = await TryCreateCollectionAsync(collection, cancellationToken).ConfigureAwait(false);
                if (createError is null)
                {
                    continue; // created (or created concurrently): write again.
                }

                var text = $"Collection '{collection}' does not exist and creating it failed: {createError.Message}";
                outcome = createError.Retryable ? DeliveryOutcome.Retry(text, createError.RetryAfter) : DeliveryOutcome.Permanent(text);
            }
            else if (IsMissingCollection(error))
            {
                outcome = DeliveryOutcome.Permanent(_options.CreateCollectionIfMissing
                    ? $"{error.Message} (collection '{collection}' is still missing after creating it)"
                    : $"{error.Message} (collection '{collection}' does not exist; create it, or set create_collection_if_missing: true)");
            }
            else
            {
                outcome = error.ToOutcome();
            }

            foreach (var (index, _) in documents)
            {
                outcomes[index] = outcome;
            }

            return;
        }
    }

    private static void ApplyImportLines(string collection, List<(int Index, TypesenseDocument Document)> documents, IReadOnlyList<TypesenseImportLineResult> lines, DeliveryOutcome[] outcomes)
    {
        for (var d = 0; d < documents.Count; d++)
        {
            var (index, document) = documents[d];
            if (d >= lines.Count)
            {
                outcomes[index] = DeliveryOutcome.Retry(string.Create(CultureInfo.InvariantCulture,
                    $"Typesense returned {lines.Count} result lines for {documents.Count} documents; no result for document '{document.Id}'."));
                continue;
            }

            var line = lines[d];
            if (line.Success)
            {
                outcomes[index] = DeliveryOutcome.Delivered;
                continue;
            }

            var reason = line.Error ?? "Typesense reported a failure without a reason.";
            var message = DocumentError(document.Id, collection, reason);
            outcomes[index] = line.Code is >= 500 or 408 or 429 ? DeliveryOutcome.Retry(message) : DeliveryOutcome.Permanent(message);
        }
    }

    private async Task DeleteAsync(string collection, IReadOnlyList<RoutedMessage> messages, List<int> indexes, DeliveryOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var documents = Build(collection, messages, indexes, outcomes, withBody: false);
        var oneByOne = new List<(int Index, TypesenseDocument Document)>();
        var filterable = documents.Count > 1 ? documents.FindAll(d => TypesenseSinkClient.CanFilterById(d.Document.Id)) : [];
        oneByOne.AddRange(documents.Count > 1 ? documents.FindAll(d => !TypesenseSinkClient.CanFilterById(d.Document.Id)) : documents);

        for (var start = 0; start < filterable.Count; start += MaxIdsPerDeleteFilter)
        {
            var chunk = filterable.GetRange(start, Math.Min(MaxIdsPerDeleteFilter, filterable.Count - start));
            var ids = chunk.ConvertAll(d => d.Document.Id);
            var result = await _client.DeleteDocumentsByIdAsync(collection, ids, cancellationToken).ConfigureAwait(false);
            if (result.Error is not { } error || IsMissingCollection(error))
            {
                // Deleted, or nothing to delete: documents that are not there count as deleted.
                foreach (var (index, _) in chunk)
                {
                    outcomes[index] = DeliveryOutcome.Delivered;
                }
            }
            else if (error.Retryable)
            {
                foreach (var (index, _) in chunk)
                {
                    outcomes[index] = error.ToOutcome();
                }
            }
            else
            {
                // E.g. a server older than 0.25 that cannot filter on id: fall back to deletes by id.
                TypesenseSinkLog.DeleteByFilterFallback(_logger, collection, error.Message);
                oneByOne.AddRange(chunk);
            }
        }

        foreach (var (index, document) in oneByOne)
        {
            var result = await _client.DeleteDocumentAsync(collection, document.Id, cancellationToken).ConfigureAwait(false);
            outcomes[index] = result.Error switch
            {
                null => DeliveryOutcome.Delivered,
                { IsNotFound: true } => DeliveryOutcome.Delivered, // the collection is missing: so is the document.
                { } error => error.Retryable ? error.ToOutcome() : DeliveryOutcome.Permanent(DocumentError(document.Id, collection, error.Message)),
            };
        }
    }

    private async Task<TypesenseError?> TryCreateCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        var created = await _client.CreateCollectionAsync(TypesenseCollection.AutoSchema(collection), cancellationToken).ConfigureAwait(false);
        if (created.IsSuccess)
        {
            TypesenseSinkLog.CollectionCreated(_logger, collection);
            return null;
        }

        return created.Error!.StatusCode == HttpStatusCode.Conflict ? null : created.Error;
    }

    private static bool IsMissingCollection(TypesenseError error) => error.IsNotFound;

    private static string DocumentError(string id, string collection, string reason) =>
        $"Typesense rejected document '{id}' in collection '{collection}': {reason}";
}
