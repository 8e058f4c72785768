using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Sequin.Hosting;

namespace Sequin.Host.Cli;

/// <summary>
/// <c>sequin test-connection &lt;sink&gt;</c>: creates the sink's client through its plugin and checks the destination:
/// <see cref="Sequin.Sinks.ISinkClient.TestConnectionAsync"/> in static mode, <see cref="Sequin.Sinks.ISinkClient.TestCredentialsAsync"/> in dynamic mode.
/// </summary>
internal static class TestConnectionCommand
{
    public static Command Create(SequinCliOptions options)
    {
        var sinkName = new Argument<string>("sink") { Description = "The sink's name in sequin.yaml." };
        var config = CliOptions.Config();
        var plugins = CliOptions.PluginsDirectory();
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the destination.", DefaultValueFactory = _ => 30 };
        var command = new Command("test-connection", "Checks that a sink's destination is reachable with its configured credentials.") { sinkName, config, plugins, timeout };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var sink = CliConfigLoader.LoadSink(options, parseResult.GetValue(config)!, parseResult.GetValue(plugins), parseResult.GetValue(sinkName)!, error);
            if (sink is null)
            {
                return 1;
            }

            using var services = new ServiceCollection().AddHttpClient().AddLogging().BuildServiceProvider();
            var seconds = Math.Max(1, parseResult.GetValue(timeout));
            var what = SinkConnectionTest.What(sink);
            var test = await SinkConnectionTest.RunAsync(sink, services, NullLoggerFactory.Instance, TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
            var writer = test.Success ? output : error;
            writer.WriteLine($"{sink.Name} ({sink.Type}) {what}: {(test.Success ? "OK" : "FAILED")}: {test.Message}");
            return test.Success ? 0 : 1;
        });
        return command;
    }
}
