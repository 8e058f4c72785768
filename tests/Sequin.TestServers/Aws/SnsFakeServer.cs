using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security;
using System.Security.Cryptography;
using System.Text;

namespace Sequin.TestServers.Aws;

/// <summary>
/// A project-written SNS endpoint on 127.0.0.1 for what the emulator lacks: it answers PublishBatch (with partial
/// failures and throttling on demand), Publish, GetTopicAttributes (NotFound for unknown topics), ListTopics and
/// CreateTopic in AWS's XML shapes, and checks every request's SigV4 signature against its known keys with its own
/// implementation of the algorithm (independent of AWSSDK.Core). It enforces SNS's batch rules: at most 10 entries,
/// 256 KiB per message and per call, FIFO topics need MessageGroupId, and FIFO deduplication ids are honoured.
/// </summary>
public sealed class SnsFakeServer : IAsyncDisposable
{
    /// <summary>The access key the fake knows from the start.</summary>
    public const string AccessKeyId = "AKIDSEQUINFAKE";

    /// <summary>The secret of <see cref="AccessKeyId"/>.</summary>
    public const string SecretAccessKey = "sequin/fake/secret+key";

    private const string Xmlns = "http://sns.amazonaws.com/doc/2010-03-31/";
    private const int MaxBytes = 256 * 1024;

    private readonly LoopbackHttpServer _http;
    private readonly ConcurrentDictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<string>> _denied = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<string>> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SnsFakeMessage> _published = new();
    private readonly ConcurrentQueue<SnsFakeRequest> _requests = new();
    private readonly object _gate = new();
    private readonly Queue<(int Status, string Code, string Message, TimeSpan? RetryAfter)> _injected = new();

    private SnsFakeServer(string region, string accountId)
    {
        Region = region;
        AccountId = accountId;
        _keys[AccessKeyId] = SecretAccessKey;
        _http = LoopbackHttpServer.Start(HandleAsync);
    }

    /// <summary>The endpoint, e.g. <c>http://127.0.0.1:40001/</c>.</summary>
    public Uri Endpoint => _http.Endpoint;

    /// <summary>The region the fake expects in signatures and puts in ARNs.</summary>
    public string Region { get; }

    /// <summary>The account id in ARNs.</summary>
    public string AccountId { get; }

    /// <summary>Decides per PublishBatch entry whether to reject it; null (the default) accepts all.</summary>
    public Func<SnsFakeMessage, SnsFakeEntryError?>? FailEntry { get; set; }

    /// <summary>The messages accepted so far, in order (FIFO duplicates are not repeated).</summary>
    public IReadOnlyList<SnsFakeMessage> Published => _published.ToArray();

    /// <summary>The requests received so far.</summary>
    public IReadOnlyList<SnsFakeRequest> Requests => _requests.ToArray();

    /// <summary>Starts the fake on a free loopback port.</summary>
    public static SnsFakeServer Start(string region = "us-east-1", string accountId = "123456789012") => new(region, accountId);

    /// <summary>Adds an access key the fake accepts.</summary>
    public void AddCredentials(string accessKeyId, string secretAccessKey) => _keys[accessKeyId] = secretAccessKey;

    /// <summary>Makes <paramref name="action"/> fail with <c>AuthorizationError</c> (403) for <paramref name="accessKeyId"/>.</summary>
    public void Deny(string accessKeyId, string action)
    {
        var set = _denied.GetOrAdd(accessKeyId, _ => []);
        lock (set)
        {
            set.Add(action);
        }
    }

    /// <summary>Creates a topic (FIFO when the name ends in <c>.fifo</c>) and returns its ARN.</summary>
    public string CreateTopic(string name)
    {
        var arn = $"arn:aws:sns:{Region}:{AccountId}:{name}";
        _topics.TryAdd(arn, []);
        return arn;
    }

    /// <summary>Answers the next <paramref name="count"/> requests with an error, e.g. 400 <c>Throttling</c> or 503.</summary>
    public void FailNextRequests(int count, int status, string code, string message, TimeSpan? retryAfter = null)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _injected.Enqueue((status, code, message, retryAfter));
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _http.DisposeAsync();

    /// <summary>Computes a SigV4 signature the way AWS documents it (used to verify requests).</summary>
    public static string ComputeSignature(string secret, string amzDate, string region, string service, string canonicalRequest)
    {
        var day = amzDate[..8];
        var scope = $"{day}/{region}/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(day));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        key = HMACSHA256.HashData(key, "aws4_request"u8.ToArray());
        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static string Esc(string s) => SecurityElement.Escape(s) ?? string.Empty;

    private static Dictionary<string, string> ParseForm(string body)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            form[key] = value;
        }

        return form;
    }

    private static string RequestId() => Guid.NewGuid().ToString();

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        var form = ParseForm(body);
        var action = form.GetValueOrDefault("Action") ?? string.Empty;
        var (status, xml, accessKey, entries, retryAfter) = Handle(request, body, form, action);
        _requests.Enqueue(new SnsFakeRequest(action, accessKey, entries, status));
        var bytes = Encoding.UTF8.GetBytes(xml);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml";
        if (retryAfter is { } ra)
        {
            context.Response.AddHeader("Retry-After", ((int)Math.Ceiling(ra.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }

        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private (int Status, string Xml, string? AccessKey, int Entries, TimeSpan? RetryAfter) Handle(HttpListenerRequest request, string body, Dictionary<string, string> form, string action)
    {
        var (authError, accessKey) = CheckSignature(request, body);
        if (authError is not null)
        {
            return (403, Error("Sender", authError.Value.Code, authError.Value.Message), accessKey, 0, null);
        }

        lock (_gate)
        {
            if (_injected.Count > 0)
            {
                var (status, code, message, retryAfter) = _injected.Dequeue();
                return (status, Error(status >= 500 ? "Receiver" : "Sender", code, message), accessKey, 0, retryAfter);
            }
        }

        if (_denied.TryGetValue(accessKey!, out var denied))
        {
            lock (denied)
            {
                if (denied.Contains(action))
                {
                    return (403, Error("Sender", "AuthorizationError", $"User: arn:aws:iam::{AccountId}:user/test is not authorized to perform: SNS:{action}"), accessKey, 0, null);
                }
            }
        }

        switch (action)
        {
            case "ListTopics":
                var members = string.Concat(_topics.Keys.Order(StringComparer.Ordinal).Select(a => $"<member><TopicArn>{Esc(a)}</TopicArn></member>"));
                return (200, Ok("ListTopics", $"<Topics>{members}</Topics>"), accessKey, 0, null);
            case "CreateTopic":
                var name = form.GetValueOrDefault("Name") ?? string.Empty;
                return (200, Ok("CreateTopic", $"<TopicArn>{Esc(CreateTopic(name))}</TopicArn>"), accessKey, 0, null);
            case "GetTopicAttributes":
                var arn = form.GetValueOrDefault("TopicArn") ?? string.Empty;
                if (!_topics.ContainsKey(arn))
                {
                    return (404, Error("Sender", "NotFound", "Topic does not exist"), accessKey, 0, null);
                }

                var attrs = new Dictionary<string, string>
                {
                    ["TopicArn"] = arn,
                    ["Owner"] = AccountId,
                    ["FifoTopic"] = arn.EndsWith(".fifo", StringComparison.Ordinal) ? "true" : "false",
                };
                var entriesXml = string.Concat(attrs.Select(kv => $"<entry><key>{kv.Key}</key><value>{Esc(kv.Value)}</value></entry>"));
                return (200, Ok("GetTopicAttributes", $"<Attributes>{entriesXml}</Attributes>"), accessKey, 0, null);
            case "Publish":
                return Publish(form, accessKey);
            case "PublishBatch":
                return PublishBatch(form, accessKey);
            default:
                return (400, Error("Sender", "InvalidAction", $"The action {action} is not valid for this web service."), accessKey, 0, null);
        }
    }

    private (int, string, string?, int, TimeSpan?) Publish(Dictionary<string, string> form, string? accessKey)
    {
        var arn = form.GetValueOrDefault("TopicArn") ?? string.Empty;
        if (!_topics.TryGetValue(arn, out var dedup))
        {
            return (404, Error("Sender", "NotFound", "Topic does not exist"), accessKey, 0, null);
        }

        var message = ReadEntry(form, string.Empty, arn);
        var error = Check(message, arn);
        if (error is not null)
        {
            return (400, Error("Sender", error.Code, error.Message), accessKey, 0, null);
        }

        Accept(message, dedup);
        return (200, Ok("Publish", $"<MessageId>{message.MessageId}</MessageId>"), accessKey, 0, null);
    }

    private (int, string, string?, int, TimeSpan?) PublishBatch(Dictionary<string, string> form, string? accessKey)
    {
        var arn = form.GetValueOrDefault("TopicArn") ?? string.Empty;
        var count = 0;
        while (form.ContainsKey($"PublishBatchRequestEntries.member.{count + 1}.Id"))
        {
            count++;
        }

        if (!_topics.TryGetValue(arn, out var dedup))
        {
            return (404, Error("Sender", "NotFound", "Topic does not exist"), accessKey, count, null);
        }

        if (count == 0)
        {
            return (400, Error("Sender", "EmptyBatchRequest", "The batch request doesn't contain any entries."), accessKey, 0, null);
        }

        if (count > 10)
        {
            return (400, Error("Sender", "TooManyEntriesInBatchRequest", $"The batch request contains more entries than permissible ({count} > 10)."), accessKey, count, null);
        }

        var entries = new List<(string Id, SnsFakeMessage Message)>();
        var total = 0;
        for (var i = 1; i <= count; i++)
        {
            var prefix = $"PublishBatchRequestEntries.member.{i}.";
            var message = ReadEntry(form, prefix, arn);
            total += Size(message);
            entries.Add((form[prefix + "Id"], message));
        }

        if (entries.Select(e => e.Id).Distinct(StringComparer.Ordinal).Count() != entries.Count)
        {
            return (400, Error("Sender", "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id."), accessKey, count, null);
        }

        if (total > MaxBytes)
        {
            return (400, Error("Sender", "BatchRequestTooLong", $"The length of all the messages put together is more than the limit ({total} > {MaxBytes} bytes)."), accessKey, count, null);
        }

        var ok = new StringBuilder();
        var failed = new StringBuilder();
        foreach (var (id, message) in entries)
        {
            var error = Check(message, arn) ?? FailEntry?.Invoke(message);
            if (error is not null)
            {
                failed.Append(CultureInfo.InvariantCulture, $"<member><Id>{Esc(id)}</Id><Code>{Esc(error.Code)}</Code><Message>{Esc(error.Message)}</Message><SenderFault>{(error.SenderFault ? "true" : "false")}</SenderFault></member>");
                continue;
            }

            Accept(message, dedup);
            ok.Append(CultureInfo.InvariantCulture, $"<member><Id>{Esc(id)}</Id><MessageId>{message.MessageId}</MessageId></member>");
        }

        return (200, Ok("PublishBatch", $"<Successful>{ok}</Successful><Failed>{failed}</Failed>"), accessKey, count, null);
    }

    private void Accept(SnsFakeMessage message, HashSet<string> dedup)
    {
        lock (dedup)
        {
            if (message.MessageDeduplicationId is { } id && !dedup.Add(id))
            {
                return; // a FIFO duplicate: accepted, not delivered again
            }

            _published.Enqueue(message);
        }
    }

    private static SnsFakeEntryError? Check(SnsFakeMessage message, string arn)
    {
        if (Size(message) > MaxBytes)
        {
            return new SnsFakeEntryError("InvalidParameter", "Invalid parameter: Message too long", true);
        }

        var fifo = arn.EndsWith(".fifo", StringComparison.Ordinal);
        if (fifo && message.MessageGroupId is null)
        {
            return new SnsFakeEntryError("InvalidParameter", "Invalid parameter: The MessageGroupId parameter is required for FIFO topics", true);
        }

        if (fifo && message.MessageDeduplicationId is null)
        {
            return new SnsFakeEntryError("InvalidParameter", "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly", true);
        }

        if (!fifo && message.MessageDeduplicationId is not null)
        {
            return new SnsFakeEntryError("InvalidParameter", "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type", true);
        }

        return null;
    }

    private static int Size(SnsFakeMessage m) =>
        Encoding.UTF8.GetByteCount(m.Message) + m.Attributes.Sum(a => Encoding.UTF8.GetByteCount(a.Key) + "String".Length + Encoding.UTF8.GetByteCount(a.Value));

    private static SnsFakeMessage ReadEntry(Dictionary<string, string> form, string prefix, string arn)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var j = 1; form.TryGetValue($"{prefix}MessageAttributes.entry.{j}.Name", out var name); j++)
        {
            attributes[name] = form.GetValueOrDefault($"{prefix}MessageAttributes.entry.{j}.Value.StringValue") ?? string.Empty;
        }

        return new SnsFakeMessage(
            arn,
            Guid.NewGuid().ToString(),
            form.GetValueOrDefault(prefix + "Message") ?? string.Empty,
            form.GetValueOrDefault(prefix + "MessageGroupId"),
            form.GetValueOrDefault(prefix + "MessageDeduplicationId"),
            attributes);
    }

    private ((string Code, string Message)? Error, string? AccessKey) CheckSignature(HttpListenerRequest request, string body)
    {
        var authorization = request.Headers["Authorization"];
        const string prefix = "AWS4-HMAC-SHA256 ";
        if (authorization is null || !authorization.StartsWith(prefix, StringComparison.Ordinal))
        {
            return (("MissingAuthenticationToken", "Request is missing Authentication Token"), null);
        }

        var parts = authorization[prefix.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders) || !parts.TryGetValue("Signature", out var signature))
        {
            return (("IncompleteSignature", "Authorization header requires Credential, SignedHeaders and Signature."), null);
        }

        var scope = credential.Split('/');
        if (scope.Length != 5)
        {
            return (("IncompleteSignature", "Credential must be <key>/<date>/<region>/<service>/aws4_request."), null);
        }

        var accessKey = scope[0];
        if (!_keys.TryGetValue(accessKey, out var secret))
        {
            return (("InvalidClientTokenId", "The security token included in the request is invalid."), accessKey);
        }

        if (scope[2] != Region || scope[3] != "sns")
        {
            return (("SignatureDoesNotMatch", $"Credential should be scoped to a valid region ('{Region}') and service ('sns'), not '{scope[2]}'/'{scope[3]}'."), accessKey);
        }

        var amzDate = request.Headers["X-Amz-Date"] ?? string.Empty;
        var names = signedHeaders.Split(';');
        if (!names.Contains("host") || !names.Contains("x-amz-date"))
        {
            return (("SignatureDoesNotMatch", "host and x-amz-date must be signed."), accessKey);
        }

        var canonicalHeaders = string.Concat(names.Select(n => n + ":" + (request.Headers[n] ?? string.Empty).Trim() + "\n"));
        var canonical = $"{request.HttpMethod}\n{request.Url!.AbsolutePath}\n\n{canonicalHeaders}\n{signedHeaders}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(body)))}";
        var expected = ComputeSignature(secret, amzDate, scope[2], scope[3], canonical);
        return expected == signature
            ? (null, accessKey)
            : (("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."), accessKey);
    }

    private static string Ok(string action, string result) =>
        $"<{action}Response xmlns=\"{Xmlns}\"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>{RequestId()}</RequestId></ResponseMetadata></{action}Response>";

    private static string Error(string type, string code, string message) =>
        $"<ErrorResponse xmlns=\"{Xmlns}\"><Error><Type>{type}</Type><Code>{Esc(code)}</Code><Message>{Esc(message)}</Message></Error><RequestId>{RequestId()}</RequestId></ErrorResponse>";
}
