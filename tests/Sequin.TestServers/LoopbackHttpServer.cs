using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Sequin.TestServers;

/// <summary>
/// An <see cref="HttpListener"/> on 127.0.0.1 and a free port, calling a handler for each request, that always stops.
/// The accept loop waits on a cancellation token as well as on the listener: on Linux, a <c>GetContextAsync</c> that is
/// pending while the listener closes can stay pending for ever (a CI run hung ten minutes in a fake's dispose), so
/// <see cref="DisposeAsync"/> cancels the wait instead of relying on the listener to end it.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<HttpListenerContext, Task> _handle;
    private readonly Task _loop;
    private int _disposed;

    private LoopbackHttpServer(HttpListener listener, Uri endpoint, Func<HttpListenerContext, Task> handle)
    {
        _listener = listener;
        Endpoint = endpoint;
        _handle = handle;
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The base address with a trailing slash, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>The base address without a trailing slash, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url => Endpoint.OriginalString.TrimEnd('/');

    /// <summary>Starts listening on a free loopback port; each request is handled on the thread pool by <paramref name="handle"/>.</summary>
    /// <param name="handle">Answers one request; it must close the response.</param>
    public static LoopbackHttpServer Start(Func<HttpListenerContext, Task> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        for (var attempt = 0; ; attempt++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePort()}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(prefix);
            try
            {
                listener.Start();
                return new LoopbackHttpServer(listener, new Uri(prefix), handle);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close(); // the port was taken between probing and binding: try another.
            }
        }
    }

    /// <summary>Stops accepting, closes the listener and waits for the accept loop (not for handlers in progress).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Close();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task AcceptLoopAsync()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped or closed
            }

            _ = Task.Run(() => _handle(context), CancellationToken.None);
        }
    }
}
