namespace Sequin.Messages;

/// <summary>
/// Where the four top-level values of a message JSON lie in it (byte offsets from its start; each end is exclusive),
/// as <see cref="ChangeMessageJsonWriter.Write(System.Text.Json.Utf8JsonWriter, ChangeMessage, ConsumerInfo, TimestampFormat, out MessageJsonLayout, string?, MessageJsonCache?)"/>
/// wrote them, so that a function's arguments are found without scanning the JSON.
/// </summary>
internal readonly record struct MessageJsonLayout(
    int RecordStart,
    int RecordEnd,
    int ChangesStart,
    int ChangesEnd,
    int ActionStart,
    int ActionEnd,
    int MetadataStart,
    int MetadataEnd);
