using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using Sequin.Packaging.Tests.Support;

namespace Sequin.Packaging.Tests;

/// <summary>
/// The host published for a runtime (<c>dotnet publish src/Sequin.Host -r &lt;rid&gt;</c>, as a server or container
/// image deploys it) is precompiled (ReadyToRun), with its plugins folder, and runs; the plain build (and so the
/// runtime-independent tool package) stays IL only.
/// </summary>
[Collection(RepositoryBuilds.Name)]
public sealed class HostPublishedForARuntimeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sequin-publish-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task PublishedForThisMachinesRuntimeTheHostIsReadyToRunAndListsItsPlugins()
    {
        var project = Path.Combine(RepositoryPaths.Root, "src", "Sequin.Host");
        await ChildProcess.RunAsync(
            "dotnet",
            ["publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false", "-o", _dir, "-nologo"],
            RepositoryPaths.Root,
            TimeSpan.FromMinutes(15));

        foreach (var assembly in new[] { "sequin.dll", "Sequin.Core.dll", "Sequin.Hosting.dll", "Npgsql.dll" })
        {
            Assert.True(IsReadyToRun(Path.Combine(_dir, assembly)), $"{assembly} in the publish output is ReadyToRun");
        }

        var listed = await ChildProcess.RunAsync("dotnet", [Path.Combine(_dir, "sequin.dll"), "plugins"], _dir, TimeSpan.FromMinutes(2));
        Assert.Contains($"  {Path.Combine(_dir, "plugins")} (shipped with the tool)", listed, StringComparison.Ordinal);
        foreach (var sink in new[] { "stdout", "kafka", "typesense", "sns", "sqs" })
        {
            Assert.Contains($"\n{sink}: ", listed, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheBuildWithoutARuntimeIsNotPrecompiled()
    {
        var built = Path.Combine(RepositoryPaths.Root, "src", "Sequin.Host", "bin", "Release", "net10.0", "sequin.dll");
        Assert.True(File.Exists(built), $"{built} is built (the test script builds the solution in Release first)");
        Assert.False(IsReadyToRun(built), "the runtime-independent build (what the tool package holds) is IL only");
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static bool IsReadyToRun(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        return pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }
}
