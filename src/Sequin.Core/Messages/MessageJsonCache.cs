using System.Buffers;
using System.Text.Json;

namespace Sequin.Messages;

/// <summary>
/// The parts of a message's JSON that are the same for every message of one consumer, encoded once: the
/// <c>metadata.consumer</c> object, and the <c>metadata.database</c> object and name of the last source seen (one
/// per replication stream, so a single entry is enough). One per worker partition; not thread-safe.
/// </summary>
internal sealed class MessageJsonCache
{
    private readonly byte[] _consumerJson;
    private SourceDatabaseInfo? _source;
    private byte[] _databaseJson = [];
    private JsonEncodedText _databaseName;

    /// <summary>Encodes <paramref name="consumer"/>'s object.</summary>
    public MessageJsonCache(ConsumerInfo consumer)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        Consumer = consumer;
        _consumerJson = Render(writer => ChangeMessageJsonWriter.WriteConsumer(writer, consumer));
    }

    /// <summary>The consumer this cache encodes.</summary>
    public ConsumerInfo Consumer { get; }

    /// <summary>The <c>metadata.consumer</c> object.</summary>
    public ReadOnlySpan<byte> ConsumerJson => _consumerJson;

    /// <summary>The <c>metadata.database</c> object of <paramref name="source"/>, and its name for <c>database_name</c>.</summary>
    public ReadOnlySpan<byte> DatabaseJson(SourceDatabaseInfo source, out JsonEncodedText name)
    {
        if (!ReferenceEquals(source, _source))
        {
            Encode(source);
        }

        name = _databaseName;
        return _databaseJson;
    }

    // Its own method: a lambda capturing the parameter in DatabaseJson would allocate its closure on every call, hit or miss.
    private void Encode(SourceDatabaseInfo source)
    {
        _databaseJson = Render(writer => ChangeMessageJsonWriter.WriteDatabase(writer, source));
        _databaseName = JsonEncodedText.Encode(source.Name, MinimalJsonEncoder.Instance);
        _source = source;
    }

    private static byte[] Render(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, ChangeMessageJsonWriter.WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
