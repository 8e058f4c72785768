using System.CommandLine;
using Sequin.Host.Cli;

namespace Sequin.Host.Tests.Support;

internal static class CliRunner
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(SequinCliOptions options, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await SequinCli.Create(options).Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
