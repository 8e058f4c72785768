using Microsoft.Extensions.DependencyInjection;
using Sequin.Host.Cli;

// `sequin run` gets its runtime here: the host registers the validated configuration and the plugin catalog, and the
// Sequin runtime (replication sources, sink consumers) runs as a hosted service.
var options = new SequinCliOptions
{
    ConfigureRunServices = (services, config, catalog) => services.AddSequin(config),
};

return await SequinCli.Create(options).Parse(args).InvokeAsync().ConfigureAwait(false);
