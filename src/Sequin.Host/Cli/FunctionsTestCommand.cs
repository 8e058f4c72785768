using System.CommandLine;
using Sequin.Messages;
using Sequin.Routing;

namespace Sequin.Host.Cli;

/// <summary>
/// <c>sequin functions test --config sequin.yaml --sink &lt;name&gt; --message message.json</c>: runs a sample message
/// through the sink's filter, routing and transform, as the runtime would, and prints the resolved route and the
/// payload the sink would receive, or the error (the command-line counterpart of the original's function editor test).
/// </summary>
internal static class FunctionsTestCommand
{
    public static Command Create(SequinCliOptions options)
    {
        var config = CliOptions.Config();
        var plugins = CliOptions.PluginsDirectory();
        var sinkName = new Option<string>("--sink") { Description = "The sink's name in sequin.yaml.", Required = true };
        var messagePath = new Option<string>("--message")
        {
            Description = "A JSON file holding a message as sinks receive it: {record, changes, action, metadata}.",
            Required = true,
        };
        var command = new Command("test", "Runs a sample message through a sink's filter, routing and transform and prints the route and payload.")
        {
            config, plugins, sinkName, messagePath,
        };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var sink = CliConfigLoader.LoadSink(options, parseResult.GetValue(config)!, parseResult.GetValue(plugins), parseResult.GetValue(sinkName)!, error);
            if (sink is null)
            {
                return 1;
            }

            var path = parseResult.GetValue(messagePath)!;
            ChangeMessage message;
            try
            {
                message = ChangeMessageJsonReader.Read(File.ReadAllBytes(path));
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"{path}: {e.Message}");
                return 1;
            }

            var trial = RoutingTrial.Run(sink.CreateProcessorOptions(), message, sink.Settings.MessageGrouping);
            switch (trial.Outcome)
            {
                case RoutingTrialOutcome.Filtered:
                    output.WriteLine($"filtered: the filter function '{sink.FilterFunction?.Name}' dropped this message; the sink would not receive it.");
                    return 0;
                case RoutingTrialOutcome.Failed:
                    error.WriteLine($"error: {trial.Error}");
                    error.WriteLine("The runtime would fail this message and retry it with backoff.");
                    return 1;
                default:
                    output.WriteLine($"sink: {sink.Name} ({sink.Type}, {sink.RoutingMode.ToString().ToLowerInvariant()} routing{(sink.RoutingFunction is { } f ? $" by '{f.Name}'" : string.Empty)})");
                    output.WriteLine("route:");
                    foreach (var (key, value) in trial.Route)
                    {
                        output.WriteLine($"  {key}: {value ?? "(none)"}");
                    }

                    output.WriteLine($"group id: {trial.GroupId ?? "(none)"}");
                    output.WriteLine(trial.IsTransformed ? $"payload (transformed by '{sink.TransformFunction?.Name}'):" : "payload:");
                    output.WriteLine(trial.Payload);
                    return 0;
            }
        });
        return command;
    }
}
