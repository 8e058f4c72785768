namespace Sequin.EndToEnd.Tests.Support;

/// <summary>
/// Starts the real <c>sequin</c> host as a <see cref="ChildProcess"/> (<c>dotnet sequin.dll run --config ... --plugins-dir ...</c>)
/// from the build output, its standard output and error captured.
/// </summary>
public static class SequinHostProcess
{
    public static ChildProcess Start(string configPath, string? pluginsDirectory = null, params string[] extraArgs) =>
        StartCommand(["run", "--config", configPath, "--plugins-dir", pluginsDirectory ?? BuildPaths.Plugins, .. extraArgs]);

    /// <summary>Runs any host command (e.g. <c>validate</c>) and waits for it to exit.</summary>
    public static async Task<(int Exit, string Output)> RunToEndAsync(params string[] args)
    {
        await using var host = StartCommand(args);
        var exit = await host.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exit, host.Output);
    }

    private static ChildProcess StartCommand(string[] args) =>
        ChildProcess.Start(
            "dotnet",
            [BuildPaths.HostDll, .. args],
            Path.GetDirectoryName(BuildPaths.HostDll)!,
            new Dictionary<string, string>
            {
                // The host keeps HttpClient's per-request logs at Warning by default; tests look for them (IHttpClientFactory use).
                ["Logging__LogLevel__System.Net.Http.HttpClient"] = "Information",
            });
}
