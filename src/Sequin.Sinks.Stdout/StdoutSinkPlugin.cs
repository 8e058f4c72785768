using Sequin.Sinks;
using Sequin.Sinks.Stdout;

[assembly: SequinSinkPlugin(typeof(StdoutSinkPlugin))]

namespace Sequin.Sinks.Stdout;

/// <summary>
/// The <c>stdout</c> sink: each message's payload as one JSON line on standard output or appended to a file.
/// Needs no server; the quickstart uses it.
/// </summary>
public sealed class StdoutSinkPlugin : SinkPlugin<StdoutSinkOptions, StdoutSinkClient>
{
    /// <inheritdoc />
    public override string TypeName => "stdout";

    /// <inheritdoc />
    public override string Description => "Writes each change as one JSON line to standard output or a file (no server needed).";

    /// <inheritdoc />
    public override ISinkSchema Schema { get; } = new StdoutSinkSchema();

    /// <inheritdoc />
    public override IRoutedConsumer Routing { get; } = new StdoutRoutedConsumer();

    /// <inheritdoc />
    protected override StdoutSinkClient CreateClient(StdoutSinkOptions options, SinkContext context) => new(options);

    /// <inheritdoc />
    protected override ISinkPipeline CreatePipeline(StdoutSinkOptions options, StdoutSinkClient client, SinkContext context) =>
        new StdoutSinkPipeline(client, context);
}
