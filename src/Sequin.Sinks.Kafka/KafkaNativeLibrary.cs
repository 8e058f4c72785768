using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Sequin.Sinks.Kafka;

/// <summary>
/// Makes Confluent.Kafka run on the librdkafka that ships with it (the <c>librdkafka.redist</c> package's
/// <c>runtimes/&lt;rid&gt;/native/</c> folder next to <c>Confluent.Kafka.dll</c>, which is the plugin's own folder when the
/// sink is loaded as a plugin) rather than whichever <c>librdkafka</c> the system's library search finds first: on a
/// machine with Debian's <c>librdkafka1</c> installed, Confluent.Kafka alone would load that one, an older version.
/// </summary>
/// <remarks>
/// The sink calls <see cref="EnsureLoaded"/> before it creates its first Kafka client; an application that uses
/// Confluent.Kafka itself in the same process should call it first too. It installs a native library resolver for the
/// Confluent.Kafka assembly, so it works once per load context of that assembly (each plugin has its own).
/// </remarks>
internal static class KafkaNativeLibrary
{
    // Once per Confluent.Kafka assembly (one per load context): the resolver can be installed only once, and the
    // library, once loaded, stays for the process. Nothing here changes after the first call.
    private static readonly Lazy<KafkaNativeLibraryInfo> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Loads the bundled librdkafka (once; later calls return the same answer) and reports which library Confluent.Kafka
    /// uses. Thread-safe.
    /// </summary>
    /// <returns>The version and, when it is the bundled one, the path of the librdkafka in use.</returns>
    /// <exception cref="DllNotFoundException">No librdkafka could be loaded at all.</exception>
    public static KafkaNativeLibraryInfo EnsureLoaded() => Loaded.Value;

    private static KafkaNativeLibraryInfo Load()
    {
        var confluent = typeof(Library).Assembly;
        string? path = null;
        if (!Library.IsLoaded && FindBundled(confluent) is { } bundled)
        {
            try
            {
                NativeLibrary.SetDllImportResolver(confluent, (name, _, _) => IsLibrdkafka(name) ? bundled.Handle : IntPtr.Zero);
                path = bundled.Path;
            }
            catch (InvalidOperationException)
            {
                // The application installed its own resolver for Confluent.Kafka: its choice stands.
            }
        }

        return new KafkaNativeLibraryInfo(Library.VersionString, path);
    }

    /// <summary>Confluent.Kafka imports <c>librdkafka</c>, <c>centos8-librdkafka</c> or <c>alpine-librdkafka</c>.</summary>
    private static bool IsLibrdkafka(string name) => name.Contains("librdkafka", StringComparison.Ordinal);

    private static (string Path, IntPtr Handle)? FindBundled(Assembly confluent)
    {
        var directory = Path.GetDirectoryName(confluent.Location) is { Length: > 0 } d ? d : AppContext.BaseDirectory;
        foreach (var candidate in Candidates(directory))
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle))
            {
                return (candidate, handle);
            }
        }

        return null;
    }

    /// <summary>
    /// The bundled files to try, best first, in the portable layout (<c>runtimes/&lt;rid&gt;/native/</c>) and the
    /// RID-specific one (flat, next to the assembly). On Linux the main build needs libsasl2; the self-contained
    /// centos8 build (glibc) and the alpine build (musl) follow, and the first that loads wins.
    /// </summary>
    private static IEnumerable<string> Candidates(string directory)
    {
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            Architecture.S390x => "s390x",
            _ => null,
        };
        (string Os, string[] Files) platform =
            OperatingSystem.IsWindows() ? ("win", ["librdkafka.dll"])
            : OperatingSystem.IsMacOS() ? ("osx", ["librdkafka.dylib"])
            : ("linux", ["librdkafka.so", "centos8-librdkafka.so", "alpine-librdkafka.so"]);
        var folders = arch is null ? [directory] : new[] { Path.Combine(directory, "runtimes", $"{platform.Os}-{arch}", "native"), directory };
        return folders.SelectMany(folder => platform.Files.Select(file => Path.Combine(folder, file)));
    }
}
