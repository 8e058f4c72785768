using System.Text.Json.Serialization;

namespace Sequin.Sinks.Typesense.Internal;

/// <summary>Source-generated JSON metadata for Typesense's request and response shapes.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(TypesenseCollection))]
[JsonSerializable(typeof(TypesenseCollection[]))]
[JsonSerializable(typeof(TypesenseImportLineResult))]
[JsonSerializable(typeof(TypesenseErrorBody))]
[JsonSerializable(typeof(TypesenseDeleteByFilterResult))]
internal sealed partial class TypesenseJsonContext : JsonSerializerContext;
