using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sequin.Configuration;

namespace Sequin.Hosting.AspNetCore;

/// <summary>
/// The <c>sequin</c> tool's HTTP endpoint (<c>http:</c> in <c>sequin.yaml</c>, <c>--http-listen</c>): a Kestrel listener
/// started with the host, serving <c>MapSequin()</c> over the host's runtime. A small web application of its own, so that
/// the tool's generic host stays as it is when the endpoint is off.
/// </summary>
internal sealed class SequinHttpListener : IHostedService, IAsyncDisposable
{
    private readonly HttpConfig _http;
    private readonly string? _token;
    private readonly IServiceProvider _hostServices;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private WebApplication? _app;

    public SequinHttpListener(HttpConfig http, string? token, IServiceProvider hostServices, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(hostServices);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _http = http;
        _token = token;
        _hostServices = hostServices;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Sequin.Http");
    }

    /// <summary>The address it listens on once started (the real port when <c>listen</c> asked for port 0).</summary>
    public Uri? Address { get; private set; }

    /// <summary>The fewest characters a token must have when the endpoint listens on a non-loopback address.</summary>
    public const int MinimumTokenLength = 24;

    /// <summary>
    /// Why <paramref name="http"/> may not start with <paramref name="token"/>, or null: a non-loopback bind needs a token
    /// of at least <see cref="MinimumTokenLength"/> characters. <c>sequin run</c> and <c>sequin validate</c> both ask.
    /// </summary>
    public static string? Problem(HttpConfig http, string? token)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.IsLoopback)
        {
            return null;
        }

        if (token is not { Length: > 0 })
        {
            return $"http.token: Required when http.listen is not a loopback address ('{http.Host}'): set http.token or the {SequinHttpOptions.TokenEnvironmentVariable} environment variable, or listen on 127.0.0.1.";
        }

        return token.Length < MinimumTokenLength
            ? string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"http.token: Too short for a non-loopback http.listen ('{http.Host}'): at least {MinimumTokenLength} characters are needed (the token from http.token or {SequinHttpOptions.TokenEnvironmentVariable} has {token.Length}); generate one, e.g. with 'openssl rand -hex 24'.")
            : null;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Problem(_http, _token) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "sequin" });
        builder.Logging.ClearProviders();
        builder.Services.Replace(ServiceDescriptor.Singleton(_loggerFactory));
        builder.Services.AddSingleton(new SequinServices(_hostServices));
        builder.Services.AddSequinHttp(o =>
        {
            o.Token = _token;
            o.AllowIpAddressHosts = !_http.IsLoopback;
            foreach (var host in _http.AllowedHosts)
            {
                o.AllowedHosts.Add(host);
            }
        });
        var parts = _hostServices.GetServices<ISequinHttpListenerPart>().ToList();
        foreach (var part in parts)
        {
            part.AddServices(builder.Services);
        }

        builder.WebHost.ConfigureKestrel(kestrel => Listen(kestrel, _http));
        var app = builder.Build();
        app.MapSequin();
        foreach (var part in parts)
        {
            part.Map(app);
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        Address = address is null ? null : new Uri(address);
        var shown = address ?? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_http.Host}:{_http.Port}");
        ListenerLog.Listening(_logger, shown, _token is not null);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void Listen(KestrelServerOptions kestrel, HttpConfig http)
    {
        if (string.Equals(http.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(http.Port);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(http.Host.Trim('[', ']')), http.Port);
        }
    }
}
