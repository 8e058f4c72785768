namespace Sequin.Host.Tests.Support;

/// <summary>A temporary plugins folder holding a copy of the built Stdout plugin, plus whatever a test adds.</summary>
public sealed class PluginFolder : IDisposable
{
    private readonly TempDirectory _dir = new();

    public PluginFolder(bool withStdout = true)
    {
        Path = System.IO.Path.Combine(_dir.Path, "plugins");
        Directory.CreateDirectory(Path);
        if (withStdout)
        {
            var source = System.IO.Path.Combine(Yaml.PluginsDirectory, "Sequin.Sinks.Stdout");
            Assert.True(File.Exists(System.IO.Path.Combine(source, "Sequin.Sinks.Stdout.dll")), $"The built Stdout plugin is missing from {source}.");
            var target = System.IO.Path.Combine(Path, "Sequin.Sinks.Stdout");
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(source))
            {
                File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
            }
        }
    }

    public string Path { get; }

    public void AddBroken(string name = "Broken")
    {
        var folder = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(folder);
        var bytes = new byte[4096];
        new Random(42).NextBytes(bytes);
        File.WriteAllBytes(System.IO.Path.Combine(folder, name + ".dll"), bytes);
    }

    public void AddThrowingConstructor(string name) => EmittedPlugins.WriteThrowingConstructor(System.IO.Path.Combine(Path, name), name);

    public void AddMissingDependency(string name) =>
        EmittedPlugins.WriteMissingDependency(System.IO.Path.Combine(Path, name), name, System.IO.Path.Combine(_dir.Path, "scratch"));

    public void AddWithGetters(string name, IReadOnlyDictionary<string, string?> getters) =>
        EmittedPlugins.WriteWithGetters(System.IO.Path.Combine(Path, name), name, getters);

    /// <summary>A working plugin in folder <paramref name="name"/> that is the shipped Stdout sink under another name (type <c>stdout</c>).</summary>
    public void AddStdoutImpostor(string name) => AddImpostor(name, "Stdout");

    /// <summary>
    /// A working third-party plugin in folder <paramref name="name"/>: the shipped sink <c>Sequin.Sinks.&lt;Sink&gt;</c>
    /// under another assembly name, with that sink's type name (e.g. <c>typesense</c>).
    /// </summary>
    public void AddImpostor(string name, string sink)
    {
        var shipped = "Sequin.Sinks." + sink;
        var source = System.IO.Path.Combine(Yaml.PluginsDirectory, shipped);
        var target = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source).Where(f => !System.IO.Path.GetFileName(f).StartsWith(shipped + ".deps", StringComparison.Ordinal)))
        {
            File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
        }

        EmittedPlugins.WriteForwarding(target, name, System.IO.Path.Combine(source, shipped + ".dll"), $"{shipped}.{sink}Sink");
    }

    public void AddBuiltAgainstCore(string name, Version coreVersion) =>
        EmittedPlugins.WriteAgainstCoreVersion(System.IO.Path.Combine(Path, name), name, System.IO.Path.Combine(_dir.Path, "scratch"), coreVersion);

    public void AddEmptyFolder(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name));

    public void Dispose() => _dir.Dispose();
}
