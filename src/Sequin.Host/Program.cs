using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Sequin.Host.Cli;

// `sequin run` gets its runtime here: the host registers the validated configuration and the plugin catalog, and the
// Sequin runtime (replication sources, sink consumers) runs as a hosted service.
var options = new SequinCliOptions
{
    ConfigureRunServices = (services, config, catalog) => services.AddSequin(config),
};

// System.CommandLine's own termination handling gives a command 2 seconds after SIGTERM/Ctrl+C and then exits 143,
// cutting `sequin run`'s drain short. It is turned off: the generic host's console lifetime handles SIGTERM/SIGINT and
// stops the runtime gracefully (drain, final acknowledgement), and the process exits 0.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
return await SequinCli.Create(options).Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
