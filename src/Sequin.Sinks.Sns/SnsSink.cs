using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sequin.Sinks;
using Sequin.Sinks.Sns;
using Sequin.Sinks.Sns.Internal;

[assembly: SequinSinkPlugin(typeof(SnsSink))]

namespace Sequin.Sinks.Sns
{
    /// <summary>
    /// The <c>sns</c> sink: each batch (at most 10 messages for one topic) becomes one <c>PublishBatch</c> call
    /// (<see cref="SnsPublisher"/>). Route key <c>topic_arn</c>; FIFO is decided per message from the routed ARN.
    /// Credentials are given exactly one way: explicit keys, or <c>use_task_role: true</c>.
    /// </summary>
    public sealed class SnsSink : Sink<SnsSinkOptions>
    {
        /// <summary>The route key holding the topic ARN.</summary>
        public const string TopicArnKey = "topic_arn";

        /// <summary>The name of the <see cref="HttpClient"/> taken from <see cref="IHttpClientFactory"/> when the host registered one.</summary>
        public const string HttpClientName = "Sequin.Sinks.Sns";

        /// <summary>SNS's limit for one message and for one <c>PublishBatch</c> call: 256 KiB (262 144 bytes), message attributes included.</summary>
        public const int MaxMessageBytes = 256 * 1024;

        /// <summary>SNS's limit of entries per <c>PublishBatch</c> call: 10.</summary>
        public const int MaxBatchEntries = 10;

        /// <summary>
        /// The most bytes the <c>action</c> and <c>table</c> attributes add to an entry, as SNS counts them (name,
        /// <c>String</c> and value): 18 for the action, and 11 plus a schema and a table name of at most 63 bytes each.
        /// </summary>
        public const int MaxAttributeBytes = 18 + 11 + 63 + 1 + 63;

        private static readonly SinkLimits Limits = new()
        {
            MaxBatchMessages = MaxBatchEntries,
            MaxMessageBytes = MaxMessageBytes,
            // Core counts payload bytes; SNS counts the attributes too, so a full batch leaves room for them.
            MaxBatchBytes = MaxMessageBytes - (MaxBatchEntries * MaxAttributeBytes),
            DefaultLinger = TimeSpan.FromMilliseconds(1),
            MaxConcurrentBatches = 32,
            BatchBy = [TopicArnKey],
        };

        /// <inheritdoc />
        public override string Description => "AWS SNS topics (standard and FIFO), with PublishBatch.";

        /// <inheritdoc />
        public override string DefaultRoutingFunction =>
            """
            // Routes each change to an SNS topic. Replace <region> and <account-id> with your AWS region and
            // 12-digit account id, or the ARN fails validation at run time. A topic name ending in .fifo is a FIFO topic.
            function route(action, record, changes, metadata) {
              return {
                topic_arn: "arn:aws:sns:<region>:<account-id>:sequin-" + metadata.database_name + "-" +
                  metadata.table_schema + "-" + metadata.table_name
              };
            }
            """;

        /// <inheritdoc />
        /// <remarks>
        /// Batches of at most 10 messages (<c>PublishBatch</c>'s maximum, also the default) for one topic, messages of
        /// at most 256 KiB, 1 ms linger, 32 batches at once.
        /// </remarks>
        public override SinkLimits GetLimits(SnsSinkOptions options) => Limits;

        /// <inheritdoc />
        /// <remarks>Uses <see cref="IHttpClientFactory"/> from <see cref="SinkContext.Services"/> when registered, else its own <see cref="HttpClient"/>.</remarks>
        public override ISinkDelivery CreateDelivery(SnsSinkOptions options, SinkContext context)
        {
            ArgumentNullException.ThrowIfNull(options);
            ArgumentNullException.ThrowIfNull(context);
            var region = options.EffectiveRegion
                ?? throw new ArgumentException("The options have no region and no topic_arn to infer it from.", nameof(options));
            var endpoint = options.EffectiveEndpoint!;
            IAwsCredentialSource credentials = options.UseTaskRole
                ? new ChainCredentialSource()
                : new StaticCredentialSource(
                    options.AccessKeyId ?? throw new ArgumentException("access_key_id is missing.", nameof(options)),
                    options.SecretAccessKey ?? throw new ArgumentException("secret_access_key is missing.", nameof(options)));
            var factory = context.Services.GetService<IHttpClientFactory>();
            var http = factory?.CreateClient(HttpClientName) ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
            http.Timeout = TimeSpan.FromSeconds(30);
            var api = new SnsQueryApi(http, ownsHttp: factory is null, endpoint, region, credentials, context.TimeProvider);
            SnsSinkLog.ClientCreated(
                context.LoggerFactory.CreateLogger<SnsSink>(),
                endpoint,
                region,
                options.DescribeCredentials());
            return new SnsPublisher(api, options);
        }

        /// <summary>
        /// Rules between keys (each key's own rules, the ARN and region patterns included, come from its attribute): a
        /// region is needed without a <c>topic_arn</c> to infer it from and must be the topic's own, and credentials
        /// are given exactly one way.
        /// </summary>
        protected override void Validate(SnsSinkOptions options, RoutingMode mode, Action<string, string> report)
        {
            ArgumentNullException.ThrowIfNull(options);
            ArgumentNullException.ThrowIfNull(report);
            options.ValidateAwsKeys(mode, report);
            if (options.DeclaredFifo is { } isFifo && options.TopicArn is { } topicArn && isFifo != Sequin.Sinks.Aws.AwsAddressKind.IsFifo(topicArn))
            {
                report("is_fifo", $"Is {(isFifo ? "true" : "false")}, but topic_arn {(isFifo ? "does not end" : "ends")} in .fifo; a topic is FIFO exactly when its name ends in .fifo.");
            }
        }
    }
}

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Registers the SNS sink in a host that references the package instead of loading it from <c>plugins/</c>.</summary>
    public static class SnsSinkServiceCollectionExtensions
    {
        /// <summary>Registers <see cref="SnsSink"/> so that <c>destination.type: sns</c> resolves to it; twice registers it once.</summary>
        public static IServiceCollection AddSnsSink(this IServiceCollection services) => services.AddSinkPlugin<SnsSink>();
    }
}
