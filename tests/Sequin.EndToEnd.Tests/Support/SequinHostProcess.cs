using System.Diagnostics;
using System.Text;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>
/// The real <c>sequin</c> host as a child process (<c>dotnet sequin.dll run --config ... --plugins-dir ...</c>), its
/// standard output and error captured. <see cref="StopAsync"/> sends SIGTERM (graceful); <see cref="Kill"/> SIGKILL.
/// </summary>
public sealed class SequinHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SequinHostProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Everything the host printed so far (stdout and stderr interleaved as received).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    public static SequinHostProcess Start(string configPath, string? pluginsDirectory = null, params string[] extraArgs) =>
        StartCommand(["run", "--config", configPath, "--plugins-dir", pluginsDirectory ?? BuildPaths.Plugins, .. extraArgs]);

    /// <summary>Runs any host command (e.g. <c>validate</c>) and waits for it to exit.</summary>
    public static async Task<(int Exit, string Output)> RunToEndAsync(params string[] args)
    {
        await using var host = StartCommand(args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host._process.WaitForExitAsync(timeout.Token);
        return (host.ExitCode, host.Output);
    }

    private static SequinHostProcess StartCommand(string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(BuildPaths.HostDll)!,
        };
        info.ArgumentList.Add(BuildPaths.HostDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";

        // The host keeps HttpClient's per-request logs at Warning by default; tests look for them (IHttpClientFactory use).
        info.Environment["Logging__LogLevel__System.Net.Http.HttpClient"] = "Information";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new SequinHostProcess(process);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start dotnet " + BuildPaths.HostDll);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until the host printed <paramref name="text"/>; fails early with its output if it exits.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(
            () =>
            {
                if (Output.Contains(text, StringComparison.Ordinal))
                {
                    return true;
                }

                if (HasExited)
                {
                    throw new InvalidOperationException($"The host exited ({ExitCode}) before printing '{text}':\n{Output}");
                }

                return false;
            },
            () => $"the host printed '{text}'; output so far:\n{Output}",
            timeout);

    /// <summary>Sends SIGTERM and waits for the host to exit; returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the host at once (SIGKILL), as a crash would, and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
