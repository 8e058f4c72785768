namespace Sequin.Sinks.Typesense;

/// <summary>The <c>destination:</c> keys of a Typesense sink (<c>type: typesense</c>); rules between them are in <see cref="TypesenseSink"/>.</summary>
public sealed class TypesenseSinkOptions
{
    /// <summary>The server's base URL, e.g. <c>http://localhost:8108</c>.</summary>
    [SinkOption("The Typesense server's base URL, e.g. http://localhost:8108.", Required = true, MaxLength = TypesenseSink.MaxEndpointUrlLength)]
    public string EndpointUrl { get; set; } = string.Empty;

    /// <summary>The API key, sent as <c>X-TYPESENSE-API-KEY</c>.</summary>
    [SinkOption("The API key, sent as X-TYPESENSE-API-KEY.", Required = true, Secret = true)]
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>The collection every document goes to (static routing); null when a routing function decides.</summary>
    [SinkOption("The collection documents go to (static routing).", Routable = true, MaxLength = TypesenseSink.MaxCollectionNameLength)]
    public string? CollectionName { get; set; }

    /// <summary>The most documents per import request, when the sink's own <c>batch_size</c> is not set.</summary>
    [SinkOption("The most documents per import request (the sink's own batch_size overrides it).", Minimum = 1, Maximum = TypesenseSink.MaxBatch)]
    public int BatchSize { get; set; } = 40;

    /// <summary>How long one HTTP request may take, in seconds.</summary>
    [SinkOption("How long one HTTP request may take, in seconds.", Minimum = 1, Maximum = 3600)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>How imported documents meet existing ones.</summary>
    [SinkOption("emplace (create or merge into an existing document) or upsert (create or replace).")]
    public TypesenseImportAction ImportAction { get; set; } = TypesenseImportAction.Emplace;

    /// <summary>Whether a missing collection is created with an auto schema on first write.</summary>
    [SinkOption("Create a missing collection with an auto schema on first write.")]
    public bool CreateCollectionIfMissing { get; set; }

    /// <summary><see cref="TimeoutSeconds"/> as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
}
