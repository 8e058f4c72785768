using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sequin.Sinks;
using Sequin.Sinks.Sns;
using Sequin.Sinks.Sns.Internal;

[assembly: SequinSinkPlugin(typeof(SnsSinkPlugin))]

namespace Sequin.Sinks.Sns;

/// <summary>The SNS sink's entry point: <c>destination.type: sns</c>.</summary>
public sealed class SnsSinkPlugin : SinkPlugin<SnsSinkOptions, SnsSinkClient>
{
    /// <summary>The <c>destination.type</c> name: <c>sns</c>.</summary>
    public const string Type = "sns";

    /// <summary>The name of the <see cref="HttpClient"/> taken from <see cref="IHttpClientFactory"/> when the host registered one.</summary>
    public const string HttpClientName = "Sequin.Sinks.Sns";

    /// <inheritdoc />
    public override string TypeName => Type;

    /// <inheritdoc />
    public override string Description => "AWS SNS topics (standard and FIFO), with PublishBatch.";

    /// <inheritdoc />
    public override ISinkSchema Schema { get; } = new SnsSinkSchema();

    /// <inheritdoc />
    public override IRoutedConsumer Routing { get; } = new SnsRoutedConsumer();

    /// <inheritdoc />
    /// <remarks>Uses <see cref="IHttpClientFactory"/> from <see cref="SinkContext.Services"/> when registered, else its own <see cref="HttpClient"/>.</remarks>
    protected override SnsSinkClient CreateClient(SnsSinkOptions options, SinkContext context)
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
        var logger = context.LoggerFactory.CreateLogger<SnsSinkClient>();
        SnsSinkLog.ClientCreated(logger, endpoint, region, options.UseTaskRole ? "default AWS credential chain" : "access key " + MaskKey(options.AccessKeyId!));
        return new SnsSinkClient(api, options, logger);
    }

    /// <inheritdoc />
    protected override ISinkPipeline CreatePipeline(SnsSinkOptions options, SnsSinkClient client, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new SnsSinkPipeline(client, options, SnsSinkPipeline.BatchingFor(context), context.LoggerFactory.CreateLogger<SnsSinkPipeline>());
    }

    // Access key ids are not secret, but only their end is needed to tell them apart in logs.
    private static string MaskKey(string key) => key.Length <= 4 ? "****" : "****" + key[^4..];
}
