using Sequin.Sinks;
using Sequin.Sinks.Typesense;

[assembly: SequinSinkPlugin(typeof(TypesenseSinkPlugin))]

namespace Sequin.Sinks.Typesense;

/// <summary>
/// The entry point of the Typesense sink (<c>destination.type: typesense</c>): indexes and deletes documents in
/// Typesense collections, routed per message by <c>action</c> and <c>collection_name</c>.
/// </summary>
public sealed class TypesenseSinkPlugin : SinkPlugin<TypesenseSinkOptions, TypesenseSinkClient>
{
    /// <summary>The <c>destination.type</c> of this sink.</summary>
    public const string Type = "typesense";

    private readonly TypesenseSinkSchema _schema = new();
    private readonly TypesenseRoutedConsumer _routing = new();

    /// <inheritdoc />
    public override string TypeName => Type;

    /// <inheritdoc />
    public override string Description => "Index and delete documents in Typesense collections (import JSONL, delete by id).";

    /// <inheritdoc />
    public override ISinkSchema Schema => _schema;

    /// <inheritdoc />
    public override IRoutedConsumer Routing => _routing;

    /// <inheritdoc />
    protected override TypesenseSinkClient CreateClient(TypesenseSinkOptions options, SinkContext context) =>
        TypesenseSinkClient.Create(options, context);

    /// <inheritdoc />
    protected override ISinkPipeline CreatePipeline(TypesenseSinkOptions options, TypesenseSinkClient client, SinkContext context) =>
        new TypesenseSinkPipeline(options, client, context);
}
