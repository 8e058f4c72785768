using Sequin.Sinks;
using Sequin.Sinks.Stdout;

[assembly: SequinSinkPlugin(typeof(StdoutSink))]

namespace Sequin.Sinks.Stdout
{
    /// <summary>
    /// The <c>stdout</c> sink: each message's payload as one JSON line on standard output or appended to a file.
    /// Needs no server; the quickstart uses it. Batches are written one at a time, in order.
    /// </summary>
    public sealed class StdoutSink : Sink<StdoutSinkOptions>
    {
        /// <inheritdoc />
        public override string Description => "Writes each change as one JSON line to standard output or a file (no server needed).";

        /// <inheritdoc />
        public override SinkLimits GetLimits(StdoutSinkOptions options) => new() { MaxConcurrentBatches = 1 };

        /// <inheritdoc />
        public override ISinkDelivery CreateDelivery(StdoutSinkOptions options, SinkContext context) => new StdoutWriter(options);

        /// <summary><c>path</c> must be a regular file, a named pipe, or a file that can be created (<see cref="StdoutPath"/>).</summary>
        protected override void Validate(StdoutSinkOptions options, RoutingMode mode, Action<string, string> report)
        {
            ArgumentNullException.ThrowIfNull(options);
            ArgumentNullException.ThrowIfNull(report);
            if (StdoutPath.Problem(options.Path) is { } problem)
            {
                report("path", problem);
            }
        }
    }
}

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Registers the stdout sink in a host that references the package instead of loading it from <c>plugins/</c>.</summary>
    public static class StdoutSinkServiceCollectionExtensions
    {
        /// <summary>Registers <see cref="StdoutSink"/> so that <c>destination.type: stdout</c> resolves to it; twice registers it once.</summary>
        public static IServiceCollection AddStdoutSink(this IServiceCollection services) => services.AddSinkPlugin<StdoutSink>();
    }
}
