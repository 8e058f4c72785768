using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;

namespace Sequin.Sinks.Sns.Internal;

/// <summary>
/// <see cref="ISnsApi"/> over the SNS Query API: form-encoded POSTs signed with SigV4 (service <c>sns</c>), XML
/// responses and <c>ErrorResponse</c>s parsed into <see cref="SnsResult{T}"/>.
/// </summary>
internal sealed class SnsQueryApi : ISnsApi, IDisposable
{
    private const string ApiVersion = "2010-03-31";
    private const string Service = "sns";
    private static readonly TimeSpan DefaultThrottleDelay = TimeSpan.FromSeconds(1);

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly IAwsCredentialSource _credentials;
    private readonly TimeProvider _time;

    public SnsQueryApi(HttpClient http, bool ownsHttp, Uri endpoint, string region, IAwsCredentialSource credentials, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(time);
        _http = http;
        _ownsHttp = ownsHttp;
        _endpoint = endpoint;
        _region = region;
        _credentials = credentials;
        _time = time;
    }

    public Task<SnsResult<string>> PublishAsync(string topicArn, SnsPublishEntry entry, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicArn);
        ArgumentNullException.ThrowIfNull(entry);
        var form = new List<KeyValuePair<string, string>> { new("TopicArn", topicArn) };
        AddEntry(form, string.Empty, entry);
        return SendAsync("Publish", form, SnsXml.ReadPublish, cancellationToken);
    }

    public Task<SnsResult<SnsPublishBatchResponse>> PublishBatchAsync(string topicArn, IReadOnlyList<SnsPublishEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicArn);
        ArgumentNullException.ThrowIfNull(entries);
        var form = new List<KeyValuePair<string, string>> { new("TopicArn", topicArn) };
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (string.IsNullOrEmpty(entry.Id))
            {
                throw new ArgumentException($"Entry {i} has no Id; PublishBatch needs one per entry.", nameof(entries));
            }

            var prefix = "PublishBatchRequestEntries.member." + (i + 1).ToString(CultureInfo.InvariantCulture) + ".";
            form.Add(new(prefix + "Id", entry.Id));
            AddEntry(form, prefix, entry);
        }

        return SendAsync("PublishBatch", form, SnsXml.ReadPublishBatch, cancellationToken);
    }

    public Task<SnsResult<IReadOnlyDictionary<string, string>>> GetTopicAttributesAsync(string topicArn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicArn);
        return SendAsync("GetTopicAttributes", [new("TopicArn", topicArn)], SnsXml.ReadTopicAttributes, cancellationToken);
    }

    public Task<SnsResult<SnsTopicPage>> ListTopicsAsync(string? nextToken, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>();
        if (!string.IsNullOrEmpty(nextToken))
        {
            form.Add(new("NextToken", nextToken));
        }

        return SendAsync("ListTopics", form, SnsXml.ReadListTopics, cancellationToken);
    }

    public Task<SnsResult<string>> CreateTopicAsync(string name, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var form = new List<KeyValuePair<string, string>> { new("Name", name) };
        if (attributes is not null)
        {
            var i = 1;
            foreach (var (key, value) in attributes)
            {
                var prefix = "Attributes.entry." + i.ToString(CultureInfo.InvariantCulture) + ".";
                form.Add(new(prefix + "key", key));
                form.Add(new(prefix + "value", value));
                i++;
            }
        }

        return SendAsync("CreateTopic", form, SnsXml.ReadCreateTopic, cancellationToken);
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }

        _credentials.Dispose();
    }

    /// <summary>Encodes a form body the way AWS expects: RFC 3986 percent-encoding, <c>&amp;</c>-joined.</summary>
    internal static string EncodeForm(string action, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var sb = new StringBuilder(512);
        sb.Append("Action=").Append(Uri.EscapeDataString(action)).Append("&Version=").Append(ApiVersion);
        foreach (var (key, value) in parameters)
        {
            sb.Append('&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return sb.ToString();
    }

    internal static SnsError Classify(SnsError error, TimeSpan? retryAfter)
    {
        var throttled = error.HttpStatus is 429 or 503 || error.Code is "Throttling" or "ThrottlingException" or "ThrottledException"
            or "RequestThrottled" or "TooManyRequestsException" or "RequestLimitExceeded";
        var retryable = throttled || error.HttpStatus >= 500 || error.Code is "InternalError" or "InternalFailure" or "ServiceUnavailable"
            or "KMSThrottling" or "RequestTimeout" or "RequestExpired";
        return error with
        {
            IsThrottling = throttled,
            IsRetryable = retryable,
            RetryAfter = retryAfter ?? (throttled ? DefaultThrottleDelay : null),
        };
    }

    private static void AddEntry(List<KeyValuePair<string, string>> form, string prefix, SnsPublishEntry entry)
    {
        form.Add(new(prefix + "Message", entry.Message));
        if (entry.MessageGroupId is not null)
        {
            form.Add(new(prefix + "MessageGroupId", entry.MessageGroupId));
        }

        if (entry.MessageDeduplicationId is not null)
        {
            form.Add(new(prefix + "MessageDeduplicationId", entry.MessageDeduplicationId));
        }

        if (entry.Attributes is not null)
        {
            var i = 1;
            foreach (var (name, value) in entry.Attributes)
            {
                var p = prefix + "MessageAttributes.entry." + i.ToString(CultureInfo.InvariantCulture) + ".";
                form.Add(new(p + "Name", name));
                form.Add(new(p + "Value.DataType", "String"));
                form.Add(new(p + "Value.StringValue", value));
                i++;
            }
        }
    }

    private async Task<SnsResult<T>> SendAsync<T>(string action, IEnumerable<KeyValuePair<string, string>> parameters, Func<XElement, T> read, CancellationToken cancellationToken)
    {
        ImmutableCredentials credentials;
        try
        {
            credentials = await _credentials.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonClientException ex)
        {
            return SnsResult<T>.Failure(new SnsError("CredentialsError", "No AWS credentials: " + ex.Message, 0) { IsRetryable = true });
        }

        var body = Encoding.UTF8.GetBytes(EncodeForm(action, parameters));
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint);
        request.Content = new ByteArrayContent(body);
        const string contentType = "application/x-www-form-urlencoded; charset=utf-8";
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var now = _time.GetUtcNow().UtcDateTime;
        var amzDate = SigV4Signer.FormatDate(now);
        var host = _endpoint.IsDefaultPort ? _endpoint.Host : _endpoint.Host + ":" + _endpoint.Port.ToString(CultureInfo.InvariantCulture);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("content-type", contentType),
            new("host", host),
            new("x-amz-date", amzDate),
        };
        if (credentials.UseToken)
        {
            headers.Add(new("x-amz-security-token", credentials.Token));
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }

        var signature = SigV4Signer.Sign("POST", _endpoint, headers, body, credentials, _region, Service, now);
        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return SnsResult<T>.Failure(new SnsError("TransportError", $"{action} to {_endpoint.GetLeftPart(UriPartial.Authority)} failed: {ex.Message}", 0) { IsRetryable = true });
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return SnsResult<T>.Failure(new SnsError("Timeout", $"{action} to {_endpoint.GetLeftPart(UriPartial.Authority)} timed out: {ex.Message}", 0) { IsRetryable = true });
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var retryAfter = response.Headers.RetryAfter is { } ra
                ? ra.Delta ?? (ra.Date is { } date ? date - _time.GetUtcNow() : null)
                : null;
            XElement? root = null;
            try
            {
                root = string.IsNullOrWhiteSpace(text) ? null : SnsXml.Parse(text);
            }
            catch (XmlException)
            {
                // Not XML (a proxy's HTML page, an emulator's text): reported below with the status and the body's start.
            }

            if (root is not null && SnsXml.ReadError(root, status) is { } error)
            {
                return SnsResult<T>.Failure(Classify(error, retryAfter));
            }

            if (!response.IsSuccessStatusCode || root is null)
            {
                var snippet = text.Length > 200 ? text[..200] + "..." : text;
                var code = response.StatusCode switch
                {
                    HttpStatusCode.TooManyRequests => "Throttling",
                    HttpStatusCode.ServiceUnavailable => "ServiceUnavailable",
                    _ when response.IsSuccessStatusCode => "InvalidResponse",
                    _ => "HttpError",
                };
                return SnsResult<T>.Failure(Classify(new SnsError(code, $"{action} returned HTTP {status}: {snippet}", status), retryAfter));
            }

            try
            {
                return SnsResult<T>.Success(read(root));
            }
            catch (FormatException ex)
            {
                return SnsResult<T>.Failure(new SnsError("InvalidResponse", $"{action}: {ex.Message}", status, SnsXml.RequestId(root)));
            }
        }
    }
}
