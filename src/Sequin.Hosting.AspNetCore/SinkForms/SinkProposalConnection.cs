using Microsoft.Extensions.Logging;
using Sequin.Configuration;
using Sequin.Hosting.AspNetCore.Api;
using Sequin.Hosting.AspNetCore.Security;

namespace Sequin.Hosting.AspNetCore.SinkForms;

/// <summary>The connection test of a proposed sink (the form's "Test connection" and its API), once it is valid.</summary>
internal static class SinkProposalConnection
{
    /// <summary>
    /// What a failed test of a proposed sink answers, whatever the reason: the destination's own text would tell an open
    /// port from a closed one or from one speaking another protocol (a port scanner). The reason goes to the log.
    /// </summary>
    public const string GenericFailure =
        "Could not connect to the destination, or it did not accept the test: check the address, port and credentials. The host's log has the reason (event 7105).";

    /// <summary>
    /// Runs the sink's own test on <paramref name="sink"/> (from <see cref="SinkProposalValidator.Validate"/>) with a fresh
    /// client: the configured resource with static routing, the credentials with dynamic routing; 30 s at most. Refused,
    /// without connecting, when a destination value names a link-local or cloud metadata address
    /// (<see cref="DestinationAddressCheck"/>).
    /// </summary>
    /// <returns>The test's view, or null with the refusal's reason.</returns>
    public static async Task<(ConnectionTestView? View, string? Refused)> TestAsync(
        SinkConfig sink, SinkProposal proposal, SequinServices sequin, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(sequin);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var secrets = sink.Plugin.Schema.Fields.Where(f => f.Secret).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var values = (proposal.Destination ?? new Dictionary<string, string?>()).Where(v => !secrets.Contains(v.Key));
        var logger = loggerFactory.CreateLogger("Sequin.Http");
        if (await DestinationAddressCheck.ProblemAsync(values, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            SecurityLog.ProposalTestRefused(logger, sink.Type, problem);
            return (null, problem);
        }

        var test = await SinkConnectionTest.RunAsync(sink, sequin.Provider, loggerFactory, SinkHandlers.ConnectionTestTimeout, cancellationToken).ConfigureAwait(false);
        if (test.Success)
        {
            return (new ConnectionTestView(true, SinkConnectionTest.What(sink), test.Message), null);
        }

        SecurityLog.ProposalTestFailed(logger, sink.Type, test.Message);
        return (new ConnectionTestView(false, SinkConnectionTest.What(sink), GenericFailure), null);
    }
}
