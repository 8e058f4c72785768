namespace Sequin.Sinks.Typesense;

/// <summary>The <c>destination:</c> section of a Typesense sink (<c>type: typesense</c>).</summary>
public sealed class TypesenseSinkOptions
{
    /// <summary>The Typesense server's base URL, e.g. <c>http://localhost:8108</c>. Required; http or https, no query or fragment.</summary>
    public string EndpointUrl { get; set; } = string.Empty;

    /// <summary>The API key sent as <c>X-TYPESENSE-API-KEY</c>. Required. A secret: never logged, masked on export.</summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>
    /// The collection documents go to. Routable: required when routing is static, cleared when a routing function
    /// decides it. At most 1024 characters. Default: null.
    /// </summary>
    public string? CollectionName { get; set; }

    /// <summary>The most documents per import request. Default: 40. Range 1..10000. The consumer's <c>batch_size</c> overrides it.</summary>
    public int BatchSize { get; set; } = 40;

    /// <summary>How long one HTTP request to Typesense may take, in seconds. Default: 10. Range 1..3600.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>How indexed documents are written. Default: <see cref="TypesenseImportAction.Emplace"/>.</summary>
    public TypesenseImportAction ImportAction { get; set; } = TypesenseImportAction.Emplace;

    /// <summary>
    /// Whether a missing collection is created on first write, with an auto schema
    /// (<c>{"name": ..., "fields": [{"name": ".*", "type": "auto"}]}</c>). Default: false.
    /// </summary>
    public bool CreateCollectionIfMissing { get; set; }

    /// <summary>The request timeout as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
}
