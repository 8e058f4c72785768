using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Sequin.Sinks.Kafka.Tests.Support;

/// <summary>
/// Loads the bundled librdkafka before any test runs: some tests use Confluent.Kafka types directly (an <c>Error</c>'s
/// text comes from librdkafka), and whichever test touches it first would otherwise decide which librdkafka the process
/// gets. The sink does the same before its first client; an application using Confluent.Kafka itself does this too.
/// </summary>
internal static class BundledLibrdkafka
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "A test assembly: it is the application here.")]
    internal static void Load() => KafkaNativeLibrary.EnsureLoaded();
}
