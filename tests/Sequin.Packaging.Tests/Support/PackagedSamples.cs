using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Sequin.Packaging.Tests.Support;

/// <summary>
/// Everything a user gets from the packages, made once for the test class in a temporary folder: every package packed
/// by <c>scripts/pack.sh</c> (once per state of the sources, shared with the template tests: <see cref="PackedPackages"/>); the samples copied out of the repository and built from those packages in a clean NuGet
/// cache (<c>NUGET_PACKAGES</c>, third-party packages from the machine's feed); the <c>sequin</c> tool installed from the
/// folder with <c>dotnet tool install --tool-path</c>, and the sample plugin dropped into the user plugins folder
/// (<c>$XDG_DATA_HOME/sequin/plugins</c>, <see cref="ToolEnvironment"/>), which survives reinstalling the tool.
/// </summary>
public sealed partial class PackagedSamples : IAsyncLifetime
{
    /// <summary>The folder name (and assembly name) of the sample plugin.</summary>
    public const string SamplePluginName = "Acme.Sequin.JsonFiles";

    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(15);

    public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "sequin-packaging-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The package folder <c>scripts/pack.sh</c> filled.</summary>
    public string PackageFolder { get; private set; } = string.Empty;

    /// <summary>The installed tool's command (<c>&lt;tool-path&gt;/sequin</c>).</summary>
    public string SequinTool => Path.Combine(WorkDirectory, "tool", "sequin");

    /// <summary>The plugins folder shipped in the installed tool (from <c>sequin plugins</c>), inside the tool's store.</summary>
    public string ToolPluginsFolder { get; private set; } = string.Empty;

    /// <summary>The user plugins folder the tool reads with <see cref="ToolEnvironment"/>, where the sample plugin is put.</summary>
    public string UserPluginsFolder { get; private set; } = string.Empty;

    /// <summary>The environment to run the installed tool with: <c>XDG_DATA_HOME</c> inside the work folder, so the user plugins folder is this test's own.</summary>
    public IReadOnlyDictionary<string, string> ToolEnvironment => new Dictionary<string, string>
    {
        ["XDG_DATA_HOME"] = Path.Combine(WorkDirectory, "xdg-data"),
    };

    /// <summary>The built embedding sample's main assembly.</summary>
    public string EmbeddingHostDll => Path.Combine(WorkDirectory, "embedding", "EmbeddingHost.dll");

    /// <summary>What <c>dotnet test samples/ThirdPartySink.Tests</c> printed.</summary>
    public string SampleSinkTestOutput { get; private set; } = string.Empty;

    /// <summary>What <c>scripts/pack.sh</c> printed.</summary>
    public string PackOutput { get; private set; } = string.Empty;

    /// <summary>How long each step took (pack, each sample, the tool install).</summary>
    public IReadOnlyList<(string Step, TimeSpan Took)> Timings => _timings;

    private readonly List<(string, TimeSpan)> _timings = [];

    /// <summary>The environment of the samples' builds and the tool install: the package folder and a clean cache.</summary>
    private Dictionary<string, string> SampleEnvironment => new()
    {
        ["SEQUIN_PACKAGES"] = PackageFolder,
        ["NUGET_PACKAGES"] = Path.Combine(WorkDirectory, "nuget-packages"),
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkDirectory);
        (PackageFolder, PackOutput) = await TimedAsync("pack (scripts/pack.sh, or its shared folder when packed already)", PackedPackages.GetAsync);

        var samples = Path.Combine(WorkDirectory, "samples");
        CopySamples(RepositoryPaths.Samples, samples);

        var plugin = Path.Combine(WorkDirectory, "plugin", SamplePluginName);
        await TimedAsync("publish samples/ThirdPartySink (clean cache)", () =>
            ChildProcess.RunAsync("dotnet", ["publish", Path.Combine(samples, "ThirdPartySink"), "-c", "Release", "-o", plugin, "-nologo"], samples, StepTimeout, SampleEnvironment));
        SampleSinkTestOutput = await TimedAsync("test samples/ThirdPartySink.Tests (the conformance suite from Sequin.Sinks.Testing)", () =>
            ChildProcess.RunAsync("dotnet", ["test", Path.Combine(samples, "ThirdPartySink.Tests"), "-c", "Release", "-nologo"], samples, StepTimeout, SampleEnvironment));
        await TimedAsync("build samples/EmbeddingHost (clean cache)", () =>
            ChildProcess.RunAsync("dotnet", ["build", Path.Combine(samples, "EmbeddingHost"), "-c", "Release", "-o", Path.GetDirectoryName(EmbeddingHostDll)!, "-nologo"], samples, StepTimeout, SampleEnvironment));
        await InstallToolAsync();

        // As a user would: ask the installed tool where its plugins folders are, and drop the plugin's publish output in
        // the user plugins folder (a plugin in the tool's own folder would be deleted by dotnet tool update/uninstall).
        var plugins = await ChildProcess.RunAsync(SequinTool, ["plugins"], WorkDirectory, TimeSpan.FromMinutes(2), ToolEnvironment);
        ToolPluginsFolder = FolderLine(plugins, "shipped with the tool");
        UserPluginsFolder = FolderLine(plugins, "user plugins folder");
        CopyDirectory(plugin, Path.Combine(UserPluginsFolder, SamplePluginName));
    }

    /// <summary>Installs the tool from the package folder (again after <see cref="UninstallToolAsync"/>).</summary>
    public Task InstallToolAsync() =>
        TimedAsync("dotnet tool install Sequin.Host", () =>
            ChildProcess.RunAsync(
                "dotnet",
                ["tool", "install", "Sequin.Host", "--version", RepositoryPaths.PackageVersion, "--tool-path", Path.GetDirectoryName(SequinTool)!, "--add-source", PackageFolder],
                WorkDirectory,
                StepTimeout,
                SampleEnvironment));

    /// <summary>Uninstalls the tool, which deletes its store folder and the shipped plugins folder in it.</summary>
    public Task UninstallToolAsync() =>
        ChildProcess.RunAsync("dotnet", ["tool", "uninstall", "Sequin.Host", "--tool-path", Path.GetDirectoryName(SequinTool)!], WorkDirectory, StepTimeout, SampleEnvironment);

    private static string FolderLine(string listing, string origin) =>
        PluginsFolderLine().Matches(listing).FirstOrDefault(m => m.Groups[2].Value == origin) is { } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException($"sequin plugins did not print its {origin}:\n" + listing);

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }

        return Task.CompletedTask;
    }

    private async Task<T> TimedAsync<T>(string step, Func<Task<T>> action)
    {
        var clock = Stopwatch.StartNew();
        var result = await action();
        _timings.Add((step, clock.Elapsed));
        return result;
    }

    /// <summary>Copies samples/ without build outputs, as a user's checkout of them would be.</summary>
    private static void CopySamples(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Contains("bin") || parts.Contains("obj"))
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    [GeneratedRegex(@"^  (/.+?) \(([^()]+)\)(, not found)?$", RegexOptions.Multiline)]
    private static partial Regex PluginsFolderLine();
}
