using Sequin.Configuration;
using Sequin.Hosting.Plugins;

namespace Sequin.WebConsole.Tests.Support;

/// <summary>
/// The sink plugins of the console's form tests, loaded from a plugins folder as <c>sequin run</c> loads them: the tool's own
/// and the third-party sample plugin (samples/ThirdPartySink, sink type <c>jsonfiles</c>) built outside the solution: its own
/// sources in a project of their own in a temporary folder, compiled by a separate <c>dotnet publish</c> into the test's
/// plugins folder, where the host's plugin loader finds it like any plugin dropped into <c>plugins/</c>. It references
/// Sequin.Core's project rather than its package: the package would need the whole repository packed first (minutes);
/// tests/Sequin.Packaging.Tests covers the sample built from the packages.
/// </summary>
public sealed class SinkPluginsFixture : IAsyncLifetime
{
    public const string ThirdPartyType = "jsonfiles";

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The test's plugins folder: the sequin tool's own plugins (copied by the project file) and the third-party one.</summary>
    public static string PluginsDirectory => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>The plugins loaded from <see cref="PluginsDirectory"/> as <c>sequin run</c> loads them.</summary>
    public ISinkPluginCatalog Catalog { get; private set; } = new SinkPluginCatalog([]);

    public async Task InitializeAsync()
    {
        await PublishThirdPartyAsync(Path.Combine(PluginsDirectory, "Acme.Sequin.JsonFiles"));
        var catalog = PluginDirectory.CreateCatalog(PluginsDirectory, []);
        Assert.Empty(catalog.Failures);
        Catalog = catalog;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task PublishThirdPartyAsync(string target)
    {
        {
            if (File.Exists(Path.Combine(target, "Acme.Sequin.JsonFiles.dll")))
            {
                return;
            }

            var work = Path.Combine(Path.GetTempPath(), "sequin-thirdparty-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(work);
            try
            {
                foreach (var source in Directory.GetFiles(Path.Combine(RepositoryPaths.Samples, "ThirdPartySink"), "*.cs"))
                {
                    File.Copy(source, Path.Combine(work, Path.GetFileName(source)));
                }

                var core = Path.Combine(RepositoryPaths.Root, "src", "Sequin.Core", "Sequin.Core.csproj");
                await File.WriteAllTextAsync(Path.Combine(work, "Acme.Sequin.JsonFiles.csproj"), $"""
                    <Project Sdk="Microsoft.NET.Sdk">
                      <PropertyGroup>
                        <TargetFramework>net10.0</TargetFramework>
                        <Nullable>enable</Nullable>
                        <ImplicitUsings>enable</ImplicitUsings>
                        <RootNamespace>Acme.Sequin.JsonFiles</RootNamespace>
                        <EnableDynamicLoading>true</EnableDynamicLoading>
                      </PropertyGroup>
                      <ItemGroup>
                        <!-- The host provides Sequin.Core (shared with plugins): not copied into the plugin's folder. -->
                        <ProjectReference Include="{core}" Private="false" ExcludeAssets="runtime" />
                      </ItemGroup>
                    </Project>
                    """);
                await ChildProcess.RunAsync("dotnet", ["publish", work, "-c", "Release", "-o", target, "-nologo"], work, PublishTimeout);
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }
}
