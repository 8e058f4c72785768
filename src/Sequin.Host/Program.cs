using System.CommandLine;
using Sequin.Host.Cli;

// The one place `sequin run` gets its runtime: set ConfigureRunServices to a method that registers the replication
// source, consumers and hosted services, e.g. `ConfigureRunServices = (services, config, catalog) => services.AddSequinRuntime(config, catalog)`.
var options = new SequinCliOptions
{
    ConfigureRunServices = null,
};

return await SequinCli.Create(options).Parse(args).InvokeAsync().ConfigureAwait(false);
