using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sequin.TestServers;

/// <summary>
/// A project-written Typesense stand-in (no Typesense server installs here): a real HTTP server on 127.0.0.1 and a free
/// port that implements the endpoints the Typesense sink uses, with Typesense's behaviour and error shapes:
/// API key check (401), <c>/health</c>, collections (list, get, create, delete), documents import (JSONL with one
/// result line per document), single-document index, get, delete by id and delete by <c>filter_by=id:[...]</c>.
/// Failure injection for tests: <see cref="FailNextRequests"/> and <see cref="ResponseDelay"/>.
/// </summary>
public sealed class TypesenseFakeServer : IAsyncDisposable, IDisposable
{
    /// <summary>The API key the server accepts unless another is given.</summary>
    public const string DefaultApiKey = "sequin-test-key";

    /// <summary>Typesense's 401 body text.</summary>
    public const string UnauthorizedMessage = "Forbidden - a valid `x-typesense-api-key` header must be sent.";

    private readonly CancellationTokenSource _stop = new();
    private readonly LoopbackHttpServer _http;
    private readonly object _gate = new();
    private readonly Dictionary<string, TypesenseFakeCollection> _collections = new(StringComparer.Ordinal);
    private readonly List<string> _requests = [];
    private int _failNext;
    private int _failStatus = 503;
    private string _failMessage = "Not Ready or Lagging";
    private TimeSpan _delay;
    private int _delayCount = int.MaxValue;

    private TypesenseFakeServer(string apiKey)
    {
        ApiKey = apiKey;
        _http = LoopbackHttpServer.Start(HandleAsync);
    }

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url => _http.Url;

    /// <summary>The accepted API key.</summary>
    public string ApiKey { get; }

    /// <summary>Every request received so far, as <c>METHOD /path?query</c>.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>A delay before each response (for timeout tests). Default: none.</summary>
    public TimeSpan ResponseDelay
    {
        get
        {
            lock (_gate)
            {
                return _delay;
            }
        }

        set
        {
            lock (_gate)
            {
                _delay = value;
                _delayCount = int.MaxValue;
            }
        }
    }

    /// <summary>Starts a server on a free loopback port.</summary>
    /// <param name="apiKey">The API key it accepts.</param>
    public static TypesenseFakeServer Start(string apiKey = DefaultApiKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        return new TypesenseFakeServer(apiKey);
    }

    /// <summary>Makes the next <paramref name="count"/> requests fail with <paramref name="statusCode"/> and a Typesense error body.</summary>
    public void FailNextRequests(int count, int statusCode = 503, string message = "Not Ready or Lagging")
    {
        lock (_gate)
        {
            _failNext = count;
            _failStatus = statusCode;
            _failMessage = message;
        }
    }

    /// <summary>Delays only the next <paramref name="count"/> responses by <paramref name="delay"/>.</summary>
    public void DelayNextResponses(int count, TimeSpan delay)
    {
        lock (_gate)
        {
            _delay = delay;
            _delayCount = count;
        }
    }

    /// <summary>Creates a collection directly (no HTTP). Fields: <c>(name, type, optional)</c>; none = auto schema.</summary>
    public void CreateCollection(string name, params (string Name, string Type, bool Optional)[] fields)
    {
        var collection = new TypesenseFakeCollection(name, fields.Length == 0 ? [(".*", "auto", false)] : fields, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        lock (_gate)
        {
            _collections[name] = collection;
        }
    }

    /// <summary>Whether the collection exists.</summary>
    public bool HasCollection(string name)
    {
        lock (_gate)
        {
            return _collections.ContainsKey(name);
        }
    }

    /// <summary>A copy of a stored document, or null.</summary>
    public JsonObject? GetDocument(string collection, string id)
    {
        lock (_gate)
        {
            return _collections.TryGetValue(collection, out var c) && c.Documents.TryGetValue(id, out var doc) ? (JsonObject)doc.DeepClone() : null;
        }
    }

    /// <summary>The number of documents in a collection (0 when it does not exist).</summary>
    public int CountDocuments(string collection)
    {
        lock (_gate)
        {
            return _collections.TryGetValue(collection, out var c) ? c.Documents.Count : 0;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false); // ends delayed responses
        await _http.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            TimeSpan delay;
            lock (_gate)
            {
                _requests.Add(context.Request.HttpMethod + " " + context.Request.RawUrl);
                delay = _delay;
                if (_delayCount != int.MaxValue)
                {
                    if (_delayCount > 0)
                    {
                        _delayCount--;
                    }
                    else
                    {
                        delay = TimeSpan.Zero;
                    }
                }
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
            }

            var (status, body, contentType) = await DispatchAsync(context.Request).ConfigureAwait(false);
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, _stop.Token).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The client went away (timeout tests) or the server is stopping.
            try
            {
                context.Response.Abort();
            }
            catch (ObjectDisposedException)
            {
                // Already gone.
            }
        }
    }

    private async Task<(int Status, string Body, string ContentType)> DispatchAsync(HttpListenerRequest request)
    {
        var raw = request.RawUrl ?? "/";
        var split = raw.Split('?', 2);
        var segments = split[0].Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var query = ParseQuery(split.Length > 1 ? split[1] : string.Empty);
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync().ConfigureAwait(false);
        }

        lock (_gate)
        {
            if (_failNext > 0)
            {
                _failNext--;
                return Json(_failStatus, Message(_failMessage));
            }
        }

        var method = request.HttpMethod;
        if (segments is ["health"] && method == "GET")
        {
            return Json(200, "{\"ok\":true}");
        }

        var key = request.Headers["X-TYPESENSE-API-KEY"] ?? query.GetValueOrDefault("x-typesense-api-key");
        if (key != ApiKey)
        {
            return Json(401, Message(UnauthorizedMessage));
        }

        lock (_gate)
        {
            return segments switch
            {
                ["collections"] when method == "GET" => Json(200, new JsonArray(_collections.Values.OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => (JsonNode)c.Describe()).ToArray()).ToJsonString()),
                ["collections"] when method == "POST" => CreateCollectionFromJson(body),
                ["collections", var c] when method == "GET" => WithCollection(c, col => Json(200, col.Describe().ToJsonString())),
                ["collections", var c] when method == "DELETE" => WithCollection(c, col =>
                {
                    _collections.Remove(c);
                    return Json(200, col.Describe().ToJsonString());
                }),
                ["collections", var c, "documents", "import"] when method == "POST" => WithCollection(c, col => Import(col, body, query)),
                ["collections", var c, "documents"] when method == "POST" => WithCollection(c, col => IndexOne(col, body, query)),
                ["collections", var c, "documents"] when method == "DELETE" => WithCollection(c, col => DeleteByFilter(col, query)),
                ["collections", var c, "documents", var id] when method == "GET" => WithCollection(c, col =>
                    col.Documents.TryGetValue(id, out var doc) ? Json(200, doc.ToJsonString()) : Json(404, Message($"Could not find a document with id: {id}"))),
                ["collections", var c, "documents", var id] when method == "DELETE" => WithCollection(c, col => DeleteOne(col, id, query)),
                _ => Json(404, Message("Not Found")),
            };
        }
    }

    private (int, string, string) WithCollection(string name, Func<TypesenseFakeCollection, (int, string, string)> action) =>
        _collections.TryGetValue(name, out var collection) ? action(collection) : Json(404, Message("Not Found"));

    private (int, string, string) CreateCollectionFromJson(string body)
    {
        JsonObject? schema;
        try
        {
            schema = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            schema = null;
        }

        if (schema is null)
        {
            return Json(400, Message("Bad JSON."));
        }

        if (schema["name"] is not JsonValue nameValue || nameValue.GetValueKind() != JsonValueKind.String)
        {
            return Json(400, Message("Parameter `name` is required."));
        }

        if (schema["fields"] is not JsonArray fieldsArray)
        {
            return Json(400, Message("Parameter `fields` is required."));
        }

        var name = nameValue.GetValue<string>();
        if (_collections.ContainsKey(name))
        {
            return Json(409, Message($"A collection with name `{name}` already exists."));
        }

        var fields = new List<(string, string, bool)>();
        foreach (var f in fieldsArray.OfType<JsonObject>())
        {
            var fieldName = f["name"]?.GetValue<string>();
            var type = f["type"]?.GetValue<string>();
            if (fieldName is null || type is null)
            {
                return Json(400, Message("Wrong format for `fields`. It should be an array of objects containing `name`, `type`, `optional` and `facet` properties."));
            }

            fields.Add((fieldName, type, f["optional"]?.GetValue<bool>() ?? false));
        }

        var collection = new TypesenseFakeCollection(name, fields, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        _collections[name] = collection;
        return Json(201, collection.Describe().ToJsonString());
    }

    private static (int, string, string) Import(TypesenseFakeCollection collection, string body, Dictionary<string, string> query)
    {
        var action = query.GetValueOrDefault("action", "create");
        if (action is not ("create" or "upsert" or "update" or "emplace"))
        {
            return Json(400, Message("The `action` parameter must be one of: create, upsert, update, emplace."));
        }

        var results = new List<string>();
        foreach (var rawLine in body.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var (code, error) = collection.Write(line, action);
            results.Add(error is null
                ? "{\"success\":true}"
                : new JsonObject { ["code"] = code, ["document"] = line, ["error"] = error, ["success"] = false }.ToJsonString());
        }

        return (200, string.Join('\n', results), "text/plain; charset=utf-8");
    }

    private static (int, string, string) IndexOne(TypesenseFakeCollection collection, string body, Dictionary<string, string> query)
    {
        var action = query.GetValueOrDefault("action", "create");
        var (code, error) = collection.Write(body, action);
        if (error is not null)
        {
            return Json(code, Message(error));
        }

        return Json(201, collection.LastWritten!.ToJsonString());
    }

    private static (int, string, string) DeleteOne(TypesenseFakeCollection collection, string id, Dictionary<string, string> query)
    {
        if (collection.Documents.Remove(id, out var doc))
        {
            return Json(200, doc.ToJsonString());
        }

        return query.GetValueOrDefault("ignore_not_found") == "true"
            ? Json(200, new JsonObject { ["id"] = id }.ToJsonString())
            : Json(404, Message($"Could not find a document with id: {id}"));
    }

    private static (int, string, string) DeleteByFilter(TypesenseFakeCollection collection, Dictionary<string, string> query)
    {
        if (!query.TryGetValue("filter_by", out var filter) || filter.Trim().Length == 0)
        {
            return Json(400, Message("Parameter `filter_by` must be provided."));
        }

        var ids = ParseIdFilter(filter);
        if (ids is null)
        {
            return Json(400, Message($"Could not parse the filter query: `{filter}`."));
        }

        var deleted = ids.Count(id => collection.Documents.Remove(id));
        return Json(200, new JsonObject { ["num_deleted"] = deleted }.ToJsonString());
    }

    /// <summary>Parses <c>id:[a,`b`]</c>, <c>id:=[...]</c>, <c>id:a</c>; null for any other filter.</summary>
    private static List<string>? ParseIdFilter(string filter)
    {
        var text = filter.Trim();
        if (!text.StartsWith("id:", StringComparison.Ordinal))
        {
            return null;
        }

        text = text[3..].TrimStart();
        if (text.StartsWith('='))
        {
            text = text[1..].TrimStart();
        }

        if (!text.StartsWith('['))
        {
            return [Unquote(text.Trim())];
        }

        if (!text.EndsWith(']'))
        {
            return null;
        }

        var ids = new List<string>();
        var inner = text[1..^1];
        var i = 0;
        while (i < inner.Length)
        {
            while (i < inner.Length && inner[i] == ' ')
            {
                i++;
            }

            if (i < inner.Length && inner[i] == '`')
            {
                var end = inner.IndexOf('`', i + 1);
                if (end < 0)
                {
                    return null;
                }

                ids.Add(inner[(i + 1)..end]);
                i = end + 1;
                while (i < inner.Length && inner[i] == ' ')
                {
                    i++;
                }

                if (i < inner.Length && inner[i] != ',')
                {
                    return null;
                }

                i++;
            }
            else
            {
                var end = inner.IndexOf(',', i);
                end = end < 0 ? inner.Length : end;
                ids.Add(inner[i..end].Trim());
                i = end + 1;
            }
        }

        return ids;
    }

    private static string Unquote(string value) => value.Length >= 2 && value[0] == '`' && value[^1] == '`' ? value[1..^1] : value;

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            result[Uri.UnescapeDataString(kv[0])] = kv.Length > 1 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : string.Empty;
        }

        return result;
    }

    private static string Message(string message) => new JsonObject { ["message"] = message }.ToJsonString();

    private static (int, string, string) Json(int status, string body) => (status, body, "application/json; charset=utf-8");
}
