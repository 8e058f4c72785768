using System.CommandLine;

namespace Sequin.Host.Cli;

/// <summary>The <c>sequin</c> command line: validate, plugins, functions init, test-connection, config export, messages, backfill, run.</summary>
internal static class SequinCli
{
    public static RootCommand Create(SequinCliOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RootCommand("Sequin for .NET: streams PostgreSQL changes to sinks (Kafka, Typesense, SNS, SQS, plugins).")
        {
            new RunCommand(options).CreateCommand(),
            ValidateCommand.Create(options),
            PluginsCommand.Create(options),
            FunctionsCommand.Create(options),
            TestConnectionCommand.Create(options),
            ConfigCommand.Create(options),
            MessagesCommand.Create(options),
            BackfillCommand.Create(options),
        };
    }
}
