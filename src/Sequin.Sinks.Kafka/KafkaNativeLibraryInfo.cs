namespace Sequin.Sinks.Kafka;

/// <summary>Which librdkafka Confluent.Kafka runs on.</summary>
/// <param name="Version">librdkafka's version, e.g. <c>2.16.0</c>.</param>
/// <param name="Path">
/// The bundled library file that was loaded, or null when Confluent.Kafka found librdkafka itself (no bundled file fit
/// this platform, librdkafka was already loaded, or the application resolves it).
/// </param>
internal sealed record KafkaNativeLibraryInfo(string Version, string? Path);
