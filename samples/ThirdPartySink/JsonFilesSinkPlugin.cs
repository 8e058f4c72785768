using Acme.Sequin.JsonFiles;
using Sequin.Sinks;

// Names the plugin class, so the host finds it without scanning.
[assembly: SequinSinkPlugin(typeof(JsonFilesSinkPlugin))]

namespace Acme.Sequin.JsonFiles;

/// <summary>The <c>jsonfiles</c> sink: each change as one JSON line, in one file per table (or per routed <c>file</c>).</summary>
public sealed class JsonFilesSinkPlugin : SinkPlugin<JsonFilesSinkOptions, JsonFilesSinkClient>
{
    /// <inheritdoc />
    public override string TypeName => "jsonfiles";

    /// <inheritdoc />
    public override string Description => "Appends each change as one JSON line to <directory>/<schema>.<table>.jsonl (a sample third-party sink).";

    /// <inheritdoc />
    public override ISinkSchema Schema { get; } = new JsonFilesSinkSchema();

    /// <inheritdoc />
    public override IRoutedConsumer Routing { get; } = new JsonFilesRoutedConsumer();

    /// <inheritdoc />
    protected override JsonFilesSinkClient CreateClient(JsonFilesSinkOptions options, SinkContext context) => new(options);

    /// <inheritdoc />
    protected override ISinkPipeline CreatePipeline(JsonFilesSinkOptions options, JsonFilesSinkClient client, SinkContext context) =>
        new JsonFilesSinkPipeline(client, context);
}
