namespace Sequin.Sinks.Typesense.Internal;

/// <summary>A document ready for Typesense: its id (always a string) and its JSON with that id, on one line.</summary>
/// <param name="Id">The document id.</param>
/// <param name="Json">The UTF-8 JSON object, <c>id</c> first and written as a string; no line breaks.</param>
internal sealed record TypesenseDocument(string Id, ReadOnlyMemory<byte> Json);
