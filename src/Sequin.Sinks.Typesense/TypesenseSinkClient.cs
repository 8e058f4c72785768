using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sequin.Sinks.Typesense.Internal;

namespace Sequin.Sinks.Typesense;

/// <summary>
/// Talks to Typesense's REST API over <see cref="HttpClient"/>: document import (JSONL, one result per line),
/// single-document index, delete by id and by <c>filter_by=id:[...]</c>, and collection checks. Every request carries
/// <c>X-TYPESENSE-API-KEY</c> and honours <see cref="TypesenseSinkOptions.TimeoutSeconds"/> and cancellation. Errors
/// come back as values with Typesense's own <c>message</c>; 5xx, 408, 429, timeouts, network errors and a rejected key
/// are retryable, other 4xx are permanent.
/// </summary>
internal sealed class TypesenseSinkClient : IAsyncDisposable
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client this sink asks for.</summary>
    public const string HttpClientName = "Sequin.Sinks.Typesense";

    /// <summary>The header Typesense reads the API key from.</summary>
    public const string ApiKeyHeader = "X-TYPESENSE-API-KEY";

    private const int MaxErrorBodyLength = 500;

    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private readonly ILogger _logger;
    private readonly string _baseUrl;

    /// <summary>Creates a client over a caller-owned <see cref="HttpClient"/> (not disposed by this client).</summary>
    /// <param name="options">The sink's options; <see cref="TypesenseSinkOptions.EndpointUrl"/> and <see cref="TypesenseSinkOptions.ApiKey"/> must be set.</param>
    /// <param name="httpClient">The HTTP client. Its own <see cref="HttpClient.Timeout"/> should exceed <c>timeout_seconds</c>.</param>
    /// <param name="logger">A logger, or null for none.</param>
    /// <exception cref="ArgumentException">The endpoint URL or the API key is missing or invalid.</exception>
    public TypesenseSinkClient(TypesenseSinkOptions options, HttpClient httpClient, ILogger<TypesenseSinkClient>? logger = null)
        : this(options, httpClient, ownsHttpClient: false, logger)
    {
    }

    private TypesenseSinkClient(TypesenseSinkOptions options, HttpClient httpClient, bool ownsHttpClient, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        if (TypesenseSink.ValidateEndpointUrl(options.EndpointUrl) is { } urlError)
        {
            throw new ArgumentException($"endpoint_url: {urlError}", nameof(options));
        }

        if (string.IsNullOrEmpty(options.ApiKey))
        {
            throw new ArgumentException("api_key is required.", nameof(options));
        }

        if (options.TimeoutSeconds < 1)
        {
            throw new ArgumentException("timeout_seconds must be at least 1.", nameof(options));
        }

        Options = options;
        _http = httpClient;
        _ownsHttpClient = ownsHttpClient;
        _logger = logger ?? NullLogger.Instance;
        _baseUrl = options.EndpointUrl.TrimEnd('/');
    }

    /// <summary>The options this client was created with.</summary>
    public TypesenseSinkOptions Options { get; }

    /// <summary>
    /// Creates the client of a configured sink: from the host's <see cref="IHttpClientFactory"/> (client name
    /// <see cref="HttpClientName"/>) when <see cref="SinkContext.Services"/> has one, else from a registered
    /// <see cref="HttpClient"/>, else over an own pooled <see cref="HttpClient"/> that is disposed with the client.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static TypesenseSinkClient Create(TypesenseSinkOptions options, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        var logger = context.LoggerFactory.CreateLogger<TypesenseSinkClient>();
        if (context.Services.GetService(typeof(IHttpClientFactory)) is IHttpClientFactory factory)
        {
            var client = factory.CreateClient(HttpClientName);
            client.Timeout = Timeout.InfiniteTimeSpan; // timeout_seconds applies per request instead.
            return new TypesenseSinkClient(options, client, ownsHttpClient: true, logger);
        }

        if (context.Services.GetService(typeof(HttpClient)) is HttpClient shared)
        {
            return new TypesenseSinkClient(options, shared, ownsHttpClient: false, logger);
        }

#pragma warning disable CA2000 // The handler is owned by the HttpClient, which this client disposes.
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AutomaticDecompression = DecompressionMethods.All,
        };
#pragma warning restore CA2000
        var own = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        return new TypesenseSinkClient(options, own, ownsHttpClient: true, logger);
    }

    /// <summary>
    /// Static mode: <c>GET /collections/{collection_name}</c>. Passes when the collection exists, or when it is missing
    /// but <c>create_collection_if_missing</c> is on and the key may list collections. In dynamic mode (no collection
    /// configured) it runs <see cref="TestCredentialsAsync"/>.
    /// </summary>
    public async Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken)
    {
        if (Options.CollectionName is not { } collection)
        {
            return await TestCredentialsAsync(cancellationToken).ConfigureAwait(false);
        }

        var response = await GetCollectionAsync(collection, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccess)
        {
            var count = response.Value!.NumDocuments is { } n ? string.Create(CultureInfo.InvariantCulture, $" ({n} documents)") : string.Empty;
            return ConnectionTestResult.Ok($"Collection '{collection}' exists at {_baseUrl}{count}.");
        }

        var error = response.Error!;
        if (error.IsNotFound)
        {
            if (!Options.CreateCollectionIfMissing)
            {
                return ConnectionTestResult.Failed(
                    $"Collection '{collection}' was not found at {_baseUrl} ({error.Message}). Create it, or set create_collection_if_missing: true.");
            }

            var credentials = await TestCredentialsAsync(cancellationToken).ConfigureAwait(false);
            return credentials.Success
                ? ConnectionTestResult.Ok($"Collection '{collection}' does not exist yet at {_baseUrl}; it will be created on first write (create_collection_if_missing).")
                : credentials;
        }

        return ConnectionTestResult.Failed(error.Message);
    }

    /// <summary>
    /// Dynamic mode: <c>GET /collections</c>, which checks that the server answers and that the key is accepted and
    /// may list collections (<c>collections:list</c>), without naming a collection. <c>/health</c> alone would not
    /// check the key.
    /// </summary>
    public async Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken)
    {
        var response = await ListCollectionsAsync(cancellationToken).ConfigureAwait(false);
        return response.IsSuccess
            ? ConnectionTestResult.Ok(string.Create(CultureInfo.InvariantCulture, $"Typesense at {_baseUrl} accepted the API key ({response.Value!.Length} collections visible)."))
            : ConnectionTestResult.Failed(response.Error!.Message);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_ownsHttpClient)
        {
            _http.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Whether an id can go into a <c>filter_by=id:[`...`]</c> list (backticks cannot be escaped there).</summary>
    internal static bool CanFilterById(string id) => id.Length > 0 && !id.Contains('`', StringComparison.Ordinal);

    /// <summary><c>GET /collections</c>.</summary>
    internal async Task<TypesenseResponse<TypesenseCollection[]>> ListCollectionsAsync(CancellationToken cancellationToken)
    {
        var result = await SendAsync(HttpMethod.Get, "/collections", null, "listing collections", cancellationToken).ConfigureAwait(false);
        return Parse(result, TypesenseJsonContext.Default.TypesenseCollectionArray, "listing collections");
    }

    /// <summary><c>GET /collections/{name}</c>; a 404 is an error with <see cref="TypesenseError.IsNotFound"/>.</summary>
    internal async Task<TypesenseResponse<TypesenseCollection>> GetCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        var result = await SendAsync(HttpMethod.Get, CollectionPath(collection), null, $"reading collection '{collection}'", cancellationToken).ConfigureAwait(false);
        return Parse(result, TypesenseJsonContext.Default.TypesenseCollection, $"reading collection '{collection}'");
    }

    /// <summary><c>POST /collections</c>. An existing collection is an error with status 409 (Conflict).</summary>
    internal async Task<TypesenseResponse<TypesenseCollection>> CreateCollectionAsync(TypesenseCollection schema, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var body = JsonSerializer.SerializeToUtf8Bytes(schema, TypesenseJsonContext.Default.TypesenseCollection);
        using var content = JsonContent(body);
        var what = $"creating collection '{schema.Name}'";
        var result = await SendAsync(HttpMethod.Post, "/collections", content, what, cancellationToken).ConfigureAwait(false);
        return Parse(result, TypesenseJsonContext.Default.TypesenseCollection, what);
    }

    /// <summary>
    /// <c>POST /collections/{c}/documents/import?action=...</c> with one JSON document per line. On HTTP 200 the value
    /// holds one result per document, in order (fewer when Typesense returned fewer lines).
    /// </summary>
    internal async Task<TypesenseResponse<IReadOnlyList<TypesenseImportLineResult>>> ImportDocumentsAsync(
        string collection, IReadOnlyList<TypesenseDocument> documents, TypesenseImportAction action, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        ArgumentNullException.ThrowIfNull(documents);
        var size = documents.Count;
        foreach (var d in documents)
        {
            size += d.Json.Length;
        }

        var body = new byte[Math.Max(0, size - 1)];
        var offset = 0;
        for (var i = 0; i < documents.Count; i++)
        {
            if (i > 0)
            {
                body[offset++] = (byte)'\n';
            }

            documents[i].Json.Span.CopyTo(body.AsSpan(offset));
            offset += documents[i].Json.Length;
        }

        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        var what = string.Create(CultureInfo.InvariantCulture, $"importing {documents.Count} documents into '{collection}'");
        var path = CollectionPath(collection) + "/documents/import?action=" + ActionName(action);
        var result = await SendAsync(HttpMethod.Post, path, content, what, cancellationToken).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            return TypesenseResponse<IReadOnlyList<TypesenseImportLineResult>>.Fail(error);
        }

        var lines = new List<TypesenseImportLineResult>(documents.Count);
        foreach (var line in Encoding.UTF8.GetString(result.Body).Split('\n'))
        {
            var text = line.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            try
            {
                lines.Add(JsonSerializer.Deserialize(text, TypesenseJsonContext.Default.TypesenseImportLineResult)
                    ?? new TypesenseImportLineResult(false, "Typesense returned an empty result line.", null));
            }
            catch (JsonException)
            {
                lines.Add(new TypesenseImportLineResult(false, "Typesense returned an unreadable result line: " + Truncate(text), 500));
            }
        }

        return TypesenseResponse<IReadOnlyList<TypesenseImportLineResult>>.Ok(lines);
    }

    /// <summary><c>POST /collections/{c}/documents?action=...</c> with one JSON document.</summary>
    internal async Task<TypesenseResponse<bool>> IndexDocumentAsync(
        string collection, TypesenseDocument document, TypesenseImportAction action, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        ArgumentNullException.ThrowIfNull(document);
        using var content = JsonContent(document.Json.ToArray());
        var what = $"indexing document '{document.Id}' into '{collection}'";
        var path = CollectionPath(collection) + "/documents?action=" + ActionName(action);
        var result = await SendAsync(HttpMethod.Post, path, content, what, cancellationToken).ConfigureAwait(false);
        return result.Error is { } error ? TypesenseResponse<bool>.Fail(error) : TypesenseResponse<bool>.Ok(true);
    }

    /// <summary>
    /// <c>DELETE /collections/{c}/documents/{id}?ignore_not_found=true</c>. The value is true when a document was
    /// deleted or was already absent; a missing collection is an error with <see cref="TypesenseError.IsNotFound"/>.
    /// </summary>
    internal async Task<TypesenseResponse<bool>> DeleteDocumentAsync(string collection, string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        ArgumentException.ThrowIfNullOrEmpty(id);
        var path = CollectionPath(collection) + "/documents/" + Uri.EscapeDataString(id) + "?ignore_not_found=true";
        var result = await SendAsync(HttpMethod.Delete, path, null, $"deleting document '{id}' from '{collection}'", cancellationToken).ConfigureAwait(false);
        return result.Error is { } error ? TypesenseResponse<bool>.Fail(error) : TypesenseResponse<bool>.Ok(true);
    }

    /// <summary>
    /// <c>DELETE /collections/{c}/documents?filter_by=id:[`a`,`b`]</c>: deletes the documents with these ids (absent ones
    /// are ignored). The value is Typesense's <c>num_deleted</c>. Every id must pass <see cref="CanFilterById"/>.
    /// </summary>
    internal async Task<TypesenseResponse<long>> DeleteDocumentsByIdAsync(string collection, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        ArgumentNullException.ThrowIfNull(ids);
        var filter = new StringBuilder("id:[");
        for (var i = 0; i < ids.Count; i++)
        {
            if (!CanFilterById(ids[i]))
            {
                throw new ArgumentException($"Document id '{ids[i]}' cannot be used in a filter.", nameof(ids));
            }

            filter.Append(i == 0 ? "`" : ",`").Append(ids[i]).Append('`');
        }

        filter.Append(']');
        var path = CollectionPath(collection) + "/documents?filter_by=" + Uri.EscapeDataString(filter.ToString())
            + "&batch_size=" + ids.Count.ToString(CultureInfo.InvariantCulture);
        var what = string.Create(CultureInfo.InvariantCulture, $"deleting {ids.Count} documents from '{collection}'");
        var result = await SendAsync(HttpMethod.Delete, path, null, what, cancellationToken).ConfigureAwait(false);
        var parsed = Parse(result, TypesenseJsonContext.Default.TypesenseDeleteByFilterResult, what);
        return parsed.IsSuccess ? TypesenseResponse<long>.Ok(parsed.Value!.NumDeleted) : TypesenseResponse<long>.Fail(parsed.Error!);
    }

    private static string ActionName(TypesenseImportAction action) => action switch
    {
        TypesenseImportAction.Emplace => "emplace",
        TypesenseImportAction.Upsert => "upsert",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown import action."),
    };

    private static string CollectionPath(string collection) => "/collections/" + Uri.EscapeDataString(collection);

    private static ByteArrayContent JsonContent(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static TypesenseResponse<T> Parse<T>(SendResult result, JsonTypeInfo<T> type, string what)
    {
        if (result.Error is { } error)
        {
            return TypesenseResponse<T>.Fail(error);
        }

        try
        {
            var value = JsonSerializer.Deserialize(result.Body, type);
            return value is null
                ? TypesenseResponse<T>.Fail(new TypesenseError($"Typesense answered {what} with an empty body.", Retryable: true, result.StatusCode))
                : TypesenseResponse<T>.Ok(value);
        }
        catch (JsonException ex)
        {
            return TypesenseResponse<T>.Fail(new TypesenseError(
                $"Typesense answered {what} with a body that is not the expected JSON ({ex.Message}): {Truncate(Encoding.UTF8.GetString(result.Body))}",
                Retryable: true,
                result.StatusCode));
        }
    }

    private static string Truncate(string text) => text.Length <= MaxErrorBodyLength ? text : text[..MaxErrorBodyLength] + "...";

    /// <summary>Typesense's error text: the body's <c>message</c>, else <c>error</c>, else the raw body.</summary>
    private static string ErrorText(byte[] body, HttpStatusCode status)
    {
        if (body.Length > 0)
        {
            try
            {
                var parsed = JsonSerializer.Deserialize(body, TypesenseJsonContext.Default.TypesenseErrorBody);
                if (parsed?.Message is { Length: > 0 } message)
                {
                    return message;
                }

                if (parsed?.Error is { Length: > 0 } err)
                {
                    return err;
                }
            }
            catch (JsonException)
            {
                // Not JSON: use the raw text below.
            }

            var raw = Encoding.UTF8.GetString(body).Trim();
            if (raw.Length > 0)
            {
                return Truncate(raw);
            }
        }

        return status.ToString();
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    private static TypesenseError Classify(HttpResponseMessage response, byte[] body, string what)
    {
        var status = response.StatusCode;
        var code = (int)status;
        var text = ErrorText(body, status);
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            // Not the document's fault: retry (with backoff) until the key is fixed rather than discard.
            return new TypesenseError(
                string.Create(CultureInfo.InvariantCulture, $"Typesense rejected the API key (HTTP {code}) while {what}: {text} Check the sink's api_key and the key's permissions."),
                Retryable: true,
                status);
        }

        var retryable = code >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
        return new TypesenseError(
            string.Create(CultureInfo.InvariantCulture, $"Typesense answered HTTP {code} while {what}: {text}"),
            retryable,
            status,
            status == HttpStatusCode.TooManyRequests ? RetryAfter(response) : null);
    }

    private async Task<SendResult> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, _baseUrl + pathAndQuery) { Content = content };
        request.Headers.TryAddWithoutValidation(ApiKeyHeader, Options.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.Timeout);
        var started = Stopwatch.GetTimestamp();
        var path = pathAndQuery.Split('?', 2)[0];
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            TypesenseSinkLog.RequestCompleted(_logger, method.Method, path, (int)response.StatusCode, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (response.IsSuccessStatusCode)
            {
                return new SendResult(response.StatusCode, body, null);
            }

            var error = Classify(response, body, what);
            if (error.Retryable)
            {
                TypesenseSinkLog.RequestFailed(_logger, method.Method, path, error.Message);
            }

            return new SendResult(response.StatusCode, body, error);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var message = string.Create(CultureInfo.InvariantCulture, $"Typesense did not answer within {Options.TimeoutSeconds} s (timeout_seconds) while {what} at {_baseUrl}.");
            TypesenseSinkLog.RequestFailed(_logger, method.Method, path, message);
            return new SendResult(null, [], new TypesenseError(message, Retryable: true));
        }
        catch (HttpRequestException ex)
        {
            var message = $"Could not reach Typesense at {_baseUrl} while {what}: {ex.Message}";
            TypesenseSinkLog.RequestFailed(_logger, method.Method, path, message);
            return new SendResult(null, [], new TypesenseError(message, Retryable: true));
        }
    }

    private readonly record struct SendResult(HttpStatusCode? StatusCode, byte[] Body, TypesenseError? Error);
}
