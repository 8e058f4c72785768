using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sequin.TestServers;

/// <summary>One request a <see cref="WebhookReceiver"/> got.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path and query, e.g. <c>/hooks/orders?x=1</c>.</param>
/// <param name="Headers">The request headers (names case-insensitive; multiple values joined by <c>,</c>).</param>
/// <param name="Body">The body as received (gzipped if it was sent so).</param>
/// <param name="Status">The status the receiver answered.</param>
public sealed record WebhookRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, int Status)
{
    /// <summary>The body decoded: gunzipped when <c>Content-Encoding: gzip</c>, as UTF-8 text.</summary>
    public string Text
    {
        get
        {
            if (Headers.TryGetValue("Content-Encoding", out var encoding) && encoding.Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                using var input = new GZipStream(new MemoryStream(Body), CompressionMode.Decompress);
                using var output = new MemoryStream();
                input.CopyTo(output);
                return System.Text.Encoding.UTF8.GetString(output.ToArray());
            }

            return System.Text.Encoding.UTF8.GetString(Body);
        }
    }
}

/// <summary>
/// A real HTTP receiver for webhook tests and benchmarks: Kestrel on a free loopback port, HTTP/1.1, optionally HTTPS
/// with a self-signed certificate made here (<see cref="CreateSelfSignedCertificate"/>). Every request is recorded
/// (<see cref="Requests"/>) and answered by <see cref="Respond"/> (default 200), which tests swap to answer 503, 400 or
/// to hang.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<WebhookRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();

    private WebhookReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Url { get; }

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<WebhookRequest> Requests => [.. _requests];

    /// <summary>
    /// Answers a request: given the request (method, path, headers, body), sets the response (status, headers). Default:
    /// 200. May await (a hang: <c>Task.Delay(Timeout.Infinite, ct)</c>); the token is cancelled when the receiver stops.
    /// When <see cref="Record"/> is false for the returned status, the request is not recorded.
    /// </summary>
    public Func<WebhookRequest, HttpResponse, CancellationToken, Task<int>> Respond { get; set; } = (_, _, _) => Task.FromResult(200);

    /// <summary>When set to false, requests are answered but not recorded (a benchmark's receiver counts instead).</summary>
    public bool Record { get; set; } = true;

    /// <summary>Requests answered with a 2xx.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    private long _accepted;

    /// <summary>Starts a receiver; with <paramref name="certificate"/>, HTTPS.</summary>
    public static async Task<WebhookReceiver> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        var app = builder.Build();
        WebhookReceiver? self = null;
        app.Run(async context =>
        {
            var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var request = new WebhookRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body.ToArray(), 0);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, self!._stopping.Token);
            int status;
            try
            {
                status = await self.Respond(request, context.Response, linked.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            context.Response.StatusCode = status;
            if (status is >= 200 and < 300)
            {
                Interlocked.Increment(ref self._accepted);
            }

            if (self.Record)
            {
                self._requests.Enqueue(request with { Status = status });
            }
        });
        await app.StartAsync();
        var address = app.Urls.First();
        var port = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        self = new WebhookReceiver(app, new Uri($"{(certificate is null ? "http" : "https")}://127.0.0.1:{port}"));
        return self;
    }

    /// <summary>A self-signed certificate for <c>127.0.0.1</c> and <c>localhost</c> (a CA of its own), valid for a day.</summary>
    public static X509Certificate2 CreateSelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=sequin-webhook-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12, so that Kestrel on Linux can use the private key.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Writes <paramref name="certificate"/>'s public part as a PEM file (a ca_file).</summary>
    public static void WritePem(X509Certificate2 certificate, string path) => File.WriteAllText(path, certificate.ExportCertificatePem());

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
