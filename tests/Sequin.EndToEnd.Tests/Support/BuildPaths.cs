namespace Sequin.EndToEnd.Tests.Support;

/// <summary>Where the built host and the test plugins folder are.</summary>
public static class BuildPaths
{
    /// <summary>The folder of this test assembly (bin/&lt;Configuration&gt;/net10.0).</summary>
    public static string TestOutput => AppContext.BaseDirectory;

    /// <summary>The plugins folder the build fills: stdout, kafka, typesense, sns and sqs sinks, one subfolder each.</summary>
    public static string Plugins => Path.Combine(TestOutput, "plugins");

    /// <summary>The build configuration this assembly was built in (Release or Debug).</summary>
    public static string Configuration => new DirectoryInfo(TestOutput.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The repository root (the folder holding Sequin.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(TestOutput); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Sequin.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No Sequin.sln above {TestOutput}.");
        }
    }

    /// <summary>The host's own plugins folder (the shipped sinks), searched before any <c>--plugins-dir</c>.</summary>
    public static string HostPlugins => Path.Combine(Path.GetDirectoryName(HostDll)!, "plugins");

    /// <summary>The host's entry assembly as built by src/Sequin.Host.</summary>
    public static string HostDll => Path.Combine(RepositoryRoot, "src", "Sequin.Host", "bin", Configuration, "net10.0", "sequin.dll");
}
