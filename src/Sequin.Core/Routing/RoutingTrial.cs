using System.Text;
using Sequin.Functions;
using Sequin.Messages;

namespace Sequin.Routing;

/// <summary>
/// Runs one sample message through a sink's filter, routing and transform exactly as the runtime would, and reports the
/// route, group id and payload, or the error with the function's line and column. Shared by <c>sequin functions test</c>
/// and the console's routing editor.
/// </summary>
internal static class RoutingTrial
{
    /// <summary>Compiles the functions of <paramref name="options"/> and processes <paramref name="message"/> once.</summary>
    /// <param name="options">The sink's processing options: routing, mode, functions, consumer.</param>
    /// <param name="message">The sample message.</param>
    /// <param name="messageGrouping">Whether the group id is the message's primary key values (the sink's <c>message_grouping</c>).</param>
    public static RoutingTrialResult Run(MessageProcessorOptions options, ChangeMessage message, bool messageGrouping)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(message);
        MessageProcessorFactory factory;
        try
        {
            factory = new MessageProcessorFactory(options);
        }
        catch (ArgumentException e)
        {
            // A function that does not parse or load: the engine's error says where.
            return RoutingTrialResult.Failed(e.InnerException is FunctionException f ? f.Error.Message : e.Message, (e.InnerException as FunctionException)?.Error);
        }

        var groupId = messageGrouping ? string.Join(":", message.GetRecordPks()) : null;
        var processor = factory.Create();
        ProcessResult processed;
        try
        {
            processed = processor.Process(message, groupId);
        }
        finally
        {
            // One message only: its functions' threads exit now rather than idle for a while.
            (processor as IDisposable)?.Dispose();
        }

        switch (processed.Kind)
        {
            case ProcessResultKind.Filtered:
                return new RoutingTrialResult(RoutingTrialOutcome.Filtered, [], null, null, false, null, null);
            case ProcessResultKind.Failed:
                return RoutingTrialResult.Failed(processed.Error ?? "The message failed.", processed.FunctionError);
            default:
                var routed = processed.Message!;
                var route = routed.Route.Keys.Select(k => new KeyValuePair<string, string?>(k.Name, routed.Route[k.Name])).ToList();
                return new RoutingTrialResult(RoutingTrialOutcome.Routed, route, routed.GroupId, Encoding.UTF8.GetString(routed.Payload.Span), routed.IsTransformed, null, null);
        }
    }
}
