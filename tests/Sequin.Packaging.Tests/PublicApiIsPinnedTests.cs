using Sequin.Packaging.Tests.Support;

namespace Sequin.Packaging.Tests;

/// <summary>
/// The public API of every library package is pinned in <c>PublicAPI.Shipped.txt</c>/<c>PublicAPI.Unshipped.txt</c>
/// (Microsoft.CodeAnalysis.PublicApiAnalyzers): a public symbol added without updating them fails the build.
/// </summary>
public sealed class PublicApiIsPinnedTests
{
    private static readonly string Src = Path.Combine(RepositoryPaths.Root, "src");

    [Fact]
    public void EveryLibraryPackageHasItsPublicApiFiles()
    {
        var libraries = Directory.GetDirectories(Src)
            .Where(d => Directory.GetFiles(d, "*.csproj").Length == 1)
            .Where(d => !File.ReadAllText(Directory.GetFiles(d, "*.csproj")[0]).Contains("<OutputType>Exe</OutputType>", StringComparison.Ordinal))
            .Where(d => !File.ReadAllText(Directory.GetFiles(d, "*.csproj")[0]).Contains("<IsPackable>false</IsPackable>", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .ToList();

        Assert.Contains("Sequin.Core", libraries);
        Assert.Contains("Sequin.Sinks.Kafka", libraries);
        foreach (var library in libraries)
        {
            foreach (var file in new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" })
            {
                var path = Path.Combine(Src, library!, file);
                Assert.True(File.Exists(path), $"{path} exists");
                Assert.StartsWith("#nullable enable", File.ReadAllText(path), StringComparison.Ordinal);
            }
        }

        var core = File.ReadAllLines(Path.Combine(Src, "Sequin.Core", "PublicAPI.Unshipped.txt"));
        Assert.Contains("Sequin.Sinks.ISinkDelivery", core);
        Assert.DoesNotContain(core, line => line.StartsWith("Sequin.Pipeline.SinkConsumer.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APublicSymbolAddedWithoutUpdatingTheApiFilesFailsTheBuild()
    {
        // A copy of the stdout sink (the smallest library) inside its own obj/ folder: under src/, so the repository's
        // build settings and the analyzer apply, and out of the way of the solution and of scripts/pack.sh.
        var original = Path.Combine(Src, "Sequin.Sinks.Stdout");
        var probe = Path.Combine(original, "obj", "api-probe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(probe);
        try
        {
            foreach (var file in Directory.GetFiles(original).Where(f => Path.GetExtension(f) is ".cs" or ".txt" or ".md"))
            {
                File.Copy(file, Path.Combine(probe, Path.GetFileName(file)));
            }

            var coreProject = Path.Combine(Src, "Sequin.Core", "Sequin.Core.csproj");
            await File.WriteAllTextAsync(
                Path.Combine(probe, "Sequin.Sinks.Stdout.csproj"),
                File.ReadAllText(Path.Combine(original, "Sequin.Sinks.Stdout.csproj")).Replace("../Sequin.Core/Sequin.Core.csproj", coreProject, StringComparison.Ordinal));
            await File.WriteAllTextAsync(
                Path.Combine(probe, "ApiProbe.cs"),
                "namespace Sequin.Sinks.Stdout;\n\n/// <summary>Added by a test.</summary>\npublic static class ApiProbe\n{\n    /// <summary>Added by a test.</summary>\n    public static int Added => 1;\n}\n");

            // Sequin.Core is referenced as already built (the test run built it): no second build of it in parallel.
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ChildProcess.RunAsync(
                "dotnet",
                ["build", "Sequin.Sinks.Stdout.csproj", "-c", "Release", "-nologo", "-p:BuildProjectReferences=false"],
                probe,
                TimeSpan.FromMinutes(5)));

            Assert.Contains("error RS0016", error.Message, StringComparison.Ordinal);
            Assert.Contains("Sequin.Sinks.Stdout.ApiProbe", error.Message, StringComparison.Ordinal);
            Assert.Contains("Sequin.Sinks.Stdout.ApiProbe.Added.get", error.Message, StringComparison.Ordinal);
            var otherErrors = error.Message.Split('\n')
                .Where(l => l.Contains(": error ", StringComparison.Ordinal) && !l.Contains("error RS0016", StringComparison.Ordinal))
                .ToList();
            Assert.True(otherErrors.Count == 0, "only the unpinned symbols fail the build:\n" + string.Join("\n", otherErrors));
        }
        finally
        {
            Directory.Delete(probe, recursive: true);
        }
    }
}
