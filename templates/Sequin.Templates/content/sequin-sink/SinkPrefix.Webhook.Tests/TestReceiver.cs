using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SinkPrefix.Webhook.Tests;

/// <summary>
/// A local HTTP endpoint for the conformance tests (TODO: replace it with your destination's emulator or test server):
/// it answers 200 to every request, except 422 to a request whose body holds <see cref="RefusedText"/>.
/// </summary>
public sealed class TestReceiver : IDisposable
{
    /// <summary>A request body holding this text is refused for good (422).</summary>
    public const string RefusedText = "refuse-me";

    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    /// <summary>Starts listening on a free loopback port.</summary>
    public TestReceiver()
    {
        Url = new Uri($"http://127.0.0.1:{FreePort()}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The endpoint's base URL, ending with <c>/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(10));
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // closed
            }

            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                var body = await reader.ReadToEndAsync();
                context.Response.StatusCode = body.Contains(RefusedText, StringComparison.Ordinal) ? 422 : 200;
            }

            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
