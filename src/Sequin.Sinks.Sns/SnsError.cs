namespace Sequin.Sinks.Sns;

/// <summary>
/// An error from SNS (its <c>ErrorResponse</c>: code, message, request id, with the HTTP status) or from getting there
/// (transport, timeout, credentials: <see cref="HttpStatus"/> 0).
/// </summary>
/// <param name="Code">AWS's error code (<c>NotFound</c>, <c>AuthorizationError</c>, <c>Throttling</c>, ...), or a local one: <c>TransportError</c>, <c>Timeout</c>, <c>CredentialsError</c>, <c>InvalidResponse</c>.</param>
/// <param name="Message">AWS's message, or the local reason.</param>
/// <param name="HttpStatus">The HTTP status, or 0 when no response came.</param>
/// <param name="RequestId">AWS's request id, when it sent one.</param>
internal sealed record SnsError(string Code, string Message, int HttpStatus, string? RequestId = null)
{
    /// <summary>Whether retrying the same call may succeed: throttling, AWS-side (5xx) and transport errors, timeouts.</summary>
    public bool IsRetryable { get; init; }

    /// <summary>Whether AWS throttled the call (<c>Throttling</c>, <c>ThrottlingException</c>, HTTP 429 or 503).</summary>
    public bool IsThrottling { get; init; }

    /// <summary>A delay AWS asked for (<c>Retry-After</c>), or a default for throttling; null otherwise.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>"Error from AWS: &lt;message&gt; (code=..., status=..., request id=...)", the text outcomes and logs carry.</summary>
    public override string ToString()
    {
        var status = HttpStatus == 0 ? "no response" : "status=" + HttpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = RequestId is null ? string.Empty : ", request id=" + RequestId;
        return HttpStatus == 0
            ? $"Error calling AWS SNS: {Message} (code={Code}, {status})"
            : $"Error from AWS: {Message} (code={Code}, {status}{request})";
    }
}
