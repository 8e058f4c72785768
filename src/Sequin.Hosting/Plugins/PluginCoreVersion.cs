using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Sequin.Sinks;

namespace Sequin.Hosting.Plugins;

/// <summary>
/// Decides, before a plugin is loaded, whether the Sequin.Core it was built against fits the host's: the same major
/// version, and not newer than the host's (a plugin may call API the host's Core does not have yet). It reads the
/// plugin's assembly reference from its metadata, so nothing of the plugin runs.
/// </summary>
internal static class PluginCoreVersion
{
    private const string CoreName = "Sequin.Core";

    /// <summary>The host's Sequin.Core assembly version.</summary>
    public static Version Host => typeof(ISinkPlugin).Assembly.GetName().Version ?? new Version(0, 0, 0, 0);

    /// <summary>Why the plugin is refused, naming both versions, or null when it fits (or does not reference Sequin.Core).</summary>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly.</exception>
    public static string? Check(string assemblyPath) => Check(ReadReference(assemblyPath), Host);

    /// <summary>Compares the Sequin.Core version a plugin was built against with the host's.</summary>
    public static string? Check(Version? builtAgainst, Version host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (builtAgainst is null)
        {
            return null;
        }

        if (builtAgainst.Major != host.Major)
        {
            return $"It was built against {CoreName} {Format(builtAgainst)}, but this host has {CoreName} {Format(host)}: the major versions must match. Rebuild the plugin against {CoreName} {host.Major}.x, or run a host of version {builtAgainst.Major}.x.";
        }

        return builtAgainst > host
            ? $"It was built against {CoreName} {Format(builtAgainst)}, newer than this host's {CoreName} {Format(host)}: update the host, or rebuild the plugin against {CoreName} {Format(host)}."
            : null;
    }

    /// <summary>The version of Sequin.Core the assembly references, or null when it references none.</summary>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly.</exception>
    public static Version? ReadReference(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            throw new BadImageFormatException("The file has no .NET metadata.", assemblyPath);
        }

        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.AssemblyReferences)
        {
            var reference = metadata.GetAssemblyReference(handle);
            if (metadata.StringComparer.Equals(reference.Name, CoreName))
            {
                return reference.Version;
            }
        }

        return null;
    }

    private static string Format(Version version) => version.ToString(3);
}
