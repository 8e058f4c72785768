using Microsoft.Extensions.Logging;
using Sequin.Configuration;
using Sequin.Sinks;

namespace Sequin.Hosting;

/// <summary>
/// Checks that a configured sink's destination is reachable with its credentials: the connection with static routing,
/// the credentials with dynamic routing. Used by <c>sequin test-connection</c> and the HTTP API.
/// </summary>
internal static class SinkConnectionTest
{
    /// <summary>What the test checks for <paramref name="sink"/>: "connection (static routing)" or "credentials (dynamic routing)".</summary>
    public static string What(SinkConfig sink) =>
        sink.RoutingMode == RoutingMode.Static ? "connection (static routing)" : "credentials (dynamic routing)";

    /// <summary>Creates a client of <paramref name="sink"/> on its own and tests it, failing after <paramref name="timeout"/>.</summary>
    public static async Task<ConnectionTestResult> RunAsync(SinkConfig sink, IServiceProvider services, ILoggerFactory loggerFactory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var context = new SinkContext(sink.Settings.Consumer, sink.RoutingMode, services, loggerFactory, TimeProvider.System);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var client = sink.Plugin.CreateClient(sink.Options, context);
        await using (client.ConfigureAwait(false))
        {
            try
            {
                return sink.RoutingMode == RoutingMode.Static
                    ? await client.TestConnectionAsync(timeoutSource.Token).ConfigureAwait(false)
                    : await client.TestCredentialsAsync(timeoutSource.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return ConnectionTestResult.Failed(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"No answer within {timeout.TotalSeconds:0} s."));
            }
        }
    }
}
