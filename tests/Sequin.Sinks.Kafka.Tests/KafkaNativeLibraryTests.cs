using Confluent.Kafka;
using Sequin.TestServers;

namespace Sequin.Sinks.Kafka.Tests;

/// <summary>The sink runs on the librdkafka it ships with (librdkafka.redist 2.16), whatever the system has installed.</summary>
public sealed class KafkaNativeLibraryTests
{
    [Fact]
    public void TheBundledLibrdkafka216IsLoadedFromTheRuntimesFolderAndNoOtherLibrdkafkaIsInTheProcess()
    {
        var info = KafkaNativeLibrary.EnsureLoaded();

        Assert.StartsWith("2.16.", info.Version, StringComparison.Ordinal);
        Assert.Equal(info.Version, Library.VersionString);
        Assert.NotNull(info.Path);
        Assert.StartsWith(Path.Combine(AppContext.BaseDirectory, "runtimes"), info.Path, StringComparison.Ordinal);
        Assert.Same(info, KafkaNativeLibrary.EnsureLoaded());

        // Debian's librdkafka1 (2.0.2) may be installed on this machine: it must not be mapped into the process.
        var mapped = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? string.Empty)
            .Where(path => path.Contains("librdkafka", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.Equal([info.Path], mapped);
    }

    [Fact]
    public async Task TheMockClusterAndTheReaderRunOnTheSameBundledLibrary()
    {
        await using var broker = await KafkaMockBroker.StartAsync();

        Assert.Equal(KafkaNativeLibrary.EnsureLoaded().Path, KafkaMockBroker.LibraryPath);
        Assert.StartsWith("2.16.", KafkaMockBroker.LibraryVersion, StringComparison.Ordinal);
        Assert.Matches(@"^127\.0\.0\.1:\d+$", broker.BootstrapServers);
    }
}
