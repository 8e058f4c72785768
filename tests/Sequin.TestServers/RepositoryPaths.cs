using System.Xml.Linq;

namespace Sequin.TestServers;

/// <summary>Where the repository is (found upwards from the test's output by its Sequin.sln), and its one package version.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Samples => Path.Combine(Root, "samples");

    public static string PackScript => Path.Combine(Root, "scripts", "pack.sh");

    /// <summary>The version of every package: <c>&lt;Version&gt;</c> in the root Directory.Build.props.</summary>
    public static string PackageVersion { get; } =
        XDocument.Load(Path.Combine(Root, "Directory.Build.props")).Descendants("Version").Single().Value;

    /// <summary>The package ids the repository packs: one per project under src/, except those marked IsPackable false.</summary>
    public static IReadOnlyList<string> PackageIds { get; } =
        Directory.GetDirectories(Path.Combine(Root, "src"))
            .Where(d => File.Exists(Path.Combine(d, Path.GetFileName(d) + ".csproj")))
            .Where(d => !File.ReadAllText(Path.Combine(d, Path.GetFileName(d) + ".csproj")).Contains("<IsPackable>false</IsPackable>", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToList()!;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sequin.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Sequin.sln not found above " + AppContext.BaseDirectory);
    }
}
