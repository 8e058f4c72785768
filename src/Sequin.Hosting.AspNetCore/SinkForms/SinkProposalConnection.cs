using Microsoft.Extensions.Logging;
using Sequin.Configuration;
using Sequin.Hosting.AspNetCore.Api;

namespace Sequin.Hosting.AspNetCore.SinkForms;

/// <summary>The connection test of a proposed sink (the form's "Test connection" and its API), once it is valid.</summary>
internal static class SinkProposalConnection
{
    /// <summary>
    /// Runs the sink's own test on <paramref name="sink"/> (from <see cref="SinkProposalValidator.Validate"/>) with a fresh
    /// client: the configured resource with static routing, the credentials with dynamic routing; 30 s at most.
    /// </summary>
    public static async Task<ConnectionTestView> TestAsync(SinkConfig sink, SequinServices sequin, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(sequin);
        var test = await SinkConnectionTest.RunAsync(sink, sequin.Provider, loggerFactory, SinkHandlers.ConnectionTestTimeout, cancellationToken).ConfigureAwait(false);
        return new ConnectionTestView(test.Success, SinkConnectionTest.What(sink), test.Message);
    }
}
