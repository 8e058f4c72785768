using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Sequin.TestServers;

/// <summary>
/// A child process (the sequin host, the dotnet CLI, a sample) with its standard output and error captured; the test
/// projects' one way to start and watch one. It gets the test's environment less the MSBuild variables
/// <c>dotnet test</c> sets (they would point a nested <c>dotnet build</c> at the outer one's MSBuild), with node reuse
/// off so that no build server outlives the test. <see cref="StopAsync"/> sends SIGTERM (graceful),
/// <see cref="KillAsync"/> SIGKILL (a crash).
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private Task _exitedAndDrained = Task.CompletedTask;

    private ChildProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
    }

    public string CommandLine { get; }

    /// <summary>Everything printed so far (stdout and stderr interleaved as received).</summary>
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

    /// <summary>
    /// True once the process has exited and everything it printed has been read into <see cref="Output"/>: the process
    /// can be gone a moment before its last lines arrive, and a test that reads the output on exit must see them all.
    /// </summary>
    public bool HasExited => _exitedAndDrained.IsCompleted;

    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    public static ChildProcess Start(string fileName, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, fileName + " " + string.Join(' ', info.ArgumentList));
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start " + child.CommandLine);
        }

        process.StandardInput.Close(); // no prompts: nothing to answer them
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        child._exitedAndDrained = process.WaitForExitAsync(); // completes after the redirected streams reach their end
        return child;
    }

    /// <summary>Runs a command to its end; throws with its output if it fails or takes longer than <paramref name="timeout"/>.</summary>
    public static async Task<string> RunAsync(
        string fileName, IEnumerable<string> args, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var child = Start(fileName, args, workingDirectory, environment);
        return await child.WaitForExitAsync(timeout) == 0
            ? child.Output
            : throw new InvalidOperationException($"{child.CommandLine} exited with {child.ExitCode}:\n{child.Output}");
    }

    /// <summary>Waits until the process printed <paramref name="text"/>; fails early with its output if it exits.</summary>
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
                    throw new InvalidOperationException($"{CommandLine} exited ({ExitCode}) before printing '{text}':\n{Output}");
                }

                return false;
            },
            () => $"{CommandLine} printed '{text}'; output so far:\n{Output}",
            timeout);

    /// <summary>Waits for the process to exit by itself; throws with its output after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{CommandLine} did not finish within {timeout.TotalSeconds} s:\n{Output}");
        }

        // WaitForExitAsync returns once the output streams are drained too.
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM (a graceful stop) and waits for the process to exit; returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the process and its children at once (SIGKILL), as a crash would, and waits for it to be gone.</summary>
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
        await KillAsync();
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
