namespace Sequin.Sinks.Typesense;

/// <summary>
/// The configuration schema of the Typesense sink: field metadata, parsing and validation of the <c>destination:</c>
/// section (matching the original's rules), and export with the API key masked.
/// </summary>
public sealed class TypesenseSinkSchema : SinkSchema<TypesenseSinkOptions>
{
    /// <summary>The longest accepted <c>endpoint_url</c>, as in the original.</summary>
    public const int MaxEndpointUrlLength = 4096;

    /// <summary>The longest accepted collection name, as in the original.</summary>
    public const int MaxCollectionNameLength = 1024;

    /// <summary>Declares the fields.</summary>
    public TypesenseSinkSchema()
    {
        AddString(
            new SinkField("endpoint_url", SinkFieldType.Url, "The Typesense server's base URL, e.g. http://localhost:8108.")
            {
                Required = true,
                MaxLength = MaxEndpointUrlLength,
            },
            o => o.EndpointUrl.Length == 0 ? null : o.EndpointUrl,
            (o, v) => o.EndpointUrl = v,
            ValidateEndpointUrl);
        AddString(
            new SinkField("api_key", SinkFieldType.Text, "The API key, sent as X-TYPESENSE-API-KEY.") { Required = true, Secret = true },
            o => o.ApiKey.Length == 0 ? null : o.ApiKey,
            (o, v) => o.ApiKey = v,
            v => v.Length == 0 ? "Must not be empty." : null);
        AddString(
            new SinkField("collection_name", SinkFieldType.Text, "The collection documents go to (static routing).")
            {
                Routable = true,
                MaxLength = MaxCollectionNameLength,
            },
            o => o.CollectionName,
            (o, v) => o.CollectionName = v,
            v => v.Length == 0 ? "Must not be empty." : null);
        AddInteger(
            new SinkField("batch_size", SinkFieldType.WholeNumber, "The most documents per import request.")
            {
                DefaultValue = "40",
                Minimum = 1,
                Maximum = 10_000,
            },
            o => o.BatchSize,
            (o, v) => o.BatchSize = (int)v);
        AddInteger(
            new SinkField("timeout_seconds", SinkFieldType.WholeNumber, "How long one HTTP request may take, in seconds.")
            {
                DefaultValue = "10",
                Minimum = 1,
                Maximum = 3600,
            },
            o => o.TimeoutSeconds,
            (o, v) => o.TimeoutSeconds = (int)v);
        AddEnum<TypesenseImportAction>(
            new SinkField("import_action", SinkFieldType.Enum, "emplace (create or merge into an existing document) or upsert (create or replace).")
            {
                DefaultValue = "emplace",
            },
            o => o.ImportAction,
            (o, v) => o.ImportAction = v);
        AddBoolean(
            new SinkField("create_collection_if_missing", SinkFieldType.Boolean, "Create a missing collection with an auto schema on first write.")
            {
                DefaultValue = "false",
            },
            o => o.CreateCollectionIfMissing,
            (o, v) => o.CreateCollectionIfMissing = v);
    }

    /// <summary>Checks an endpoint URL: http or https, a host, no query string, no fragment.</summary>
    /// <returns>Null when valid; otherwise the reason.</returns>
    internal static string? ValidateEndpointUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return $"Must be an absolute URL (got '{value}').";
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return $"Must use http or https (got '{uri.Scheme}').";
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            return "Must include a host.";
        }

        if (value.Contains('?', StringComparison.Ordinal))
        {
            return "Must not include a query string.";
        }

        if (value.Contains('#', StringComparison.Ordinal))
        {
            return "Must not include a fragment.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "Must not include user info; put the key in api_key.";
        }

        return null;
    }
}
