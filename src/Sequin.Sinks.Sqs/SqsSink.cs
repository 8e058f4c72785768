namespace Sequin.Sinks.Sqs;

/// <summary>
/// The <c>sqs</c> sink: each batch (at most 10 messages and 256 KiB for one queue) becomes one <c>SendMessageBatch</c>
/// call (<see cref="SqsDelivery"/>). Route key <c>queue_url</c>; FIFO is decided per message from the routed URL.
/// There is no default route: a routing function must return <c>queue_url</c> (no queue derives from a table).
/// Credentials are given exactly one way: explicit keys, or <c>use_task_role: true</c>.
/// </summary>
public sealed class SqsSink : Sink<SqsSinkOptions>
{
    /// <summary>The route key holding the queue URL (the routable option <see cref="SqsSinkOptions.QueueUrl"/>).</summary>
    public const string QueueUrlKey = "queue_url";

    /// <summary>SQS's limit of entries per <c>SendMessageBatch</c> call: 10.</summary>
    public const int MaxBatchMessages = 10;

    /// <summary>SQS's limit for one message and for one <c>SendMessageBatch</c> call: 256 KiB (262 144 bytes). Larger messages are rejected without being sent.</summary>
    public const int MaxMessageBytes = 256 * 1024;

    private static readonly SinkLimits Limits = new()
    {
        MaxBatchMessages = MaxBatchMessages,
        // The sink sends no message attributes, so the payloads are what SQS counts, each and all together.
        MaxMessageBytes = MaxMessageBytes,
        MaxBatchBytes = MaxMessageBytes,
        DefaultLinger = TimeSpan.FromMilliseconds(1),
        MaxConcurrentBatches = 32,
        BatchBy = [QueueUrlKey],
    };

    /// <inheritdoc />
    public override string Description => "AWS SQS queues (standard and FIFO), with SendMessageBatch.";

    /// <inheritdoc />
    public override string DefaultRoutingFunction => """
        // Routes each change to an SQS queue. Replace <region> and <account-id> with your AWS region and 12-digit
        // account id, or the URL fails validation at run time. A queue name ending in .fifo is a FIFO queue.
        function route(action, record, changes, metadata) {
          return {
            queue_url: "https://sqs.<region>.amazonaws.com/<account-id>/sequin-" + metadata.database_name + "-" +
              metadata.table_schema + "-" + metadata.table_name
          };
        }
        """;

    /// <summary>
    /// Batches of at most 10 messages (<c>SendMessageBatch</c>'s maximum, also the default) and 256 KiB for one queue,
    /// messages of at most 256 KiB, 1 ms linger, 32 batches at once. Core enforces them: the sink never re-splits.
    /// </summary>
    public override SinkLimits GetLimits(SqsSinkOptions options) => Limits;

    /// <inheritdoc />
    public override ISinkDelivery CreateDelivery(SqsSinkOptions options, SinkContext context) => SqsDelivery.Create(options, context);

    /// <summary>
    /// Rules between keys (each key's own rules, the URL and region patterns included, come from its attribute): the
    /// region is inferred from an AWS <c>queue_url</c>, else required, and must be the queue's own; credentials are
    /// given exactly one way.
    /// </summary>
    protected override void Validate(SqsSinkOptions options, RoutingMode mode, Action<string, string> report)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        options.ValidateAwsKeys(mode, report);
    }
}
