// Sequin in an application's own generic host: the application owns the host (its logging, its other services, its
// lifetime); Sequin streams PostgreSQL changes to the sinks of sequin.yaml inside it.
//
//   dotnet run -- --config sequin.yaml [--plugins <folder>]
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);

// sequin.yaml as configuration, under a "sequin" section so it does not mix with the application's own keys:
// ${VAR} / ${VAR:-default} substitution in the file, SEQUIN_* environment variables over it (SEQUIN_SINKS__0__BATCH_SIZE=50).
var configPath = Path.GetFullPath(builder.Configuration["config"] ?? Path.Combine(AppContext.BaseDirectory, "sequin.yaml"));
builder.Configuration
    .AddSequinYaml(configPath, sectionPath: "sequin")
    .AddSequinEnvironmentVariables(sectionPath: "sequin");

// Sink types: the Kafka sink from its package, registered in code ...
builder.Services.AddKafkaSink();

// ... and, if asked, every plugin of a plugins folder (plugins/<Name>/<Name>.dll, each a dotnet publish output).
if (builder.Configuration["plugins"] is { Length: > 0 } plugins)
{
    builder.Services.AddSequinPlugins(plugins);
}

// Databases, functions and sinks; the configuration is validated when the host starts (every error with its key path).
builder.Services.AddSequin(builder.Configuration.GetSection("sequin"));

await builder.Build().RunAsync().ConfigureAwait(false);
