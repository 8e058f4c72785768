using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sequin.Sinks.Kafka.Internal;

namespace Sequin.Sinks.Kafka;

/// <summary>
/// Talks to Kafka for one sink: owns one idempotent producer (<c>acks=all</c>, murmur2 partitioning), created on the
/// first delivery and reused for every batch, and runs the connection checks on a short-lived admin client. Errors keep
/// librdkafka's own reason.
/// </summary>
internal sealed class KafkaSinkClient : IAsyncDisposable, IKafkaMessageProducer
{
    private readonly KafkaSinkOptions _options;
    private readonly ILogger _logger;
    private readonly string _sinkName;
    private readonly Lock _gate = new();
    private readonly MskIamTokenProvider? _mskIam;
    private volatile IProducer<byte[]?, byte[]?>? _producer;
    private MskIamTokenRefresher? _producerRefresher;
    private volatile bool _fatal;
    private bool _disposed;

    /// <summary>Creates the client; nothing connects until the first delivery or check.</summary>
    /// <param name="options">The parsed, validated options.</param>
    /// <param name="loggerFactory">Creates the client's logger; null for none.</param>
    /// <param name="sinkName">The sink's name, used as the Kafka <c>client.id</c> suffix and in logs. Default: <c>kafka</c>.</param>
    /// <param name="mskIam">
    /// With <c>sasl_mechanism: aws_msk_iam</c>, where tokens come from; null for the options' keys or the default AWS
    /// credential chain, signed by the system clock. Owned (disposed) by the client.
    /// </param>
    /// <exception cref="ArgumentException">
    /// <paramref name="options"/> has no hosts, or SASL without TLS and without <see cref="KafkaSinkOptions.AllowSaslPlaintext"/>,
    /// or <c>aws_msk_iam</c> without <c>aws_region</c> or with only one of the two AWS keys.
    /// </exception>
    public KafkaSinkClient(KafkaSinkOptions options, ILoggerFactory? loggerFactory = null, string sinkName = "kafka", MskIamTokenProvider? mskIam = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(sinkName);
        if (string.IsNullOrWhiteSpace(options.Hosts))
        {
            throw new ArgumentException("Kafka hosts are required.", nameof(options));
        }

        // The schema refuses this already; options built in code get the same rule.
        if (options.SaslMechanism is { } mechanism && !options.Tls && !options.AllowSaslPlaintext)
        {
            throw new ArgumentException(KafkaSink.SaslPlaintextRefused(mechanism), nameof(options));
        }

        // Before anything of Confluent.Kafka touches librdkafka (even an Error's text does): the bundled library, not the system's.
        KafkaNativeLibrary.EnsureLoaded();
        _options = options;
        _sinkName = sinkName;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<KafkaSinkClient>();
        ClientId = "sequin-" + sinkName;
        if (options.SaslMechanism == KafkaSaslMechanism.AwsMskIam)
        {
            _mskIam = mskIam ?? MskIamTokenProvider.Create(options, TimeProvider.System);
        }
        else
        {
            mskIam?.Dispose();
        }

        if (options.SaslMechanism is not null && !options.Tls)
        {
            KafkaSinkLog.SaslPlaintextAllowed(_logger, sinkName, options.Hosts);
        }
    }

    /// <summary>The Kafka <c>client.id</c>: <c>sequin-&lt;sink name&gt;</c>.</summary>
    public string ClientId { get; }

    /// <summary>How long <see cref="TestConnectionAsync"/> and <see cref="TestCredentialsAsync"/> wait for the cluster. Default: 10 s.</summary>
    public TimeSpan TestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Checks that the brokers are reachable (authenticating if configured) and that the static <c>topic</c> exists,
    /// or can be auto-created, with a leader for every partition.
    /// </summary>
    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken)
    {
        if (_options.Topic is null)
        {
            return Task.FromResult(ConnectionTestResult.Failed(
                "No topic is configured (dynamic routing): the routing function picks topics per message. Test the credentials instead."));
        }

        return CheckAsync(_options.Topic, cancellationToken);
    }

    /// <summary>Checks that the brokers are reachable and the credentials work by fetching cluster metadata, naming no topic.</summary>
    public Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken) => CheckAsync(null, cancellationToken);

    /// <summary>Flushes messages still queued in the producer (up to 10 s), then closes it.</summary>
    public async ValueTask DisposeAsync()
    {
        IProducer<byte[]?, byte[]?>? producer;
        MskIamTokenRefresher? refresher;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            producer = _producer;
            refresher = _producerRefresher;
            _producer = null;
            _producerRefresher = null;
        }

        if (producer is not null)
        {
            await Task.Run(() =>
            {
                producer.Flush(TimeSpan.FromSeconds(10));
                refresher?.Dispose();
                producer.Dispose();
            }).ConfigureAwait(false);
        }

        _mskIam?.Dispose();
    }

    /// <summary>The token refresh handler of the current producer (null before the first delivery or without MSK IAM); for tests.</summary>
    internal MskIamTokenRefresher? ProducerTokenRefresher => _producerRefresher;

    /// <inheritdoc />
    void IKafkaMessageProducer.Produce(string topic, Message<byte[]?, byte[]?> message, Action<DeliveryReport<byte[]?, byte[]?>> deliveryHandler) =>
        GetProducer().Produce(topic, message, deliveryHandler);

    private IProducer<byte[]?, byte[]?> GetProducer()
    {
        var producer = _producer;
        if (producer is not null && !_fatal)
        {
            return producer;
        }

        IProducer<byte[]?, byte[]?>? broken = null;
        MskIamTokenRefresher? brokenRefresher = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_producer is not null && _fatal)
            {
                broken = _producer;
                brokenRefresher = _producerRefresher;
                _producer = null;
                _producerRefresher = null;
            }

            if (_producer is null)
            {
                _fatal = false;
                var library = KafkaNativeLibrary.EnsureLoaded();
                var builder = new ProducerBuilder<byte[]?, byte[]?>(KafkaProducerConfigFactory.CreateProducerConfig(_options, ClientId))
                    .SetErrorHandler(OnProducerError)
                    .SetLogHandler((_, m) => Log(m));
                if (_mskIam is not null)
                {
                    _producerRefresher = new MskIamTokenRefresher(_mskIam, _logger, _sinkName);
                    builder.SetOAuthBearerTokenRefreshHandler(_producerRefresher.OnRefresh);
                }

                _producer = builder.Build();
                KafkaSinkLog.ProducerCreated(_logger, _sinkName, _options.Hosts, library.Version, library.Path ?? "the system's library search");
            }

            producer = _producer;
        }

        // Outstanding messages of a fatally failed producer are reported failed, then retried.
        brokenRefresher?.Dispose();
        broken?.Dispose();
        return producer;
    }

    private void OnProducerError(IProducer<byte[]?, byte[]?> producer, Error error)
    {
        if (error.IsFatal)
        {
            _fatal = true;
            KafkaSinkLog.FatalError(_logger, _sinkName, error.Code.ToString(), error.Reason);
        }
        else
        {
            KafkaSinkLog.ClientError(_logger, _sinkName, error.Code.ToString(), error.Reason);
        }
    }

    private void Log(LogMessage message)
    {
        // librdkafka reports its errors through the error handler too: its log lines go one level lower.
        var level = message.Level switch
        {
            <= SyslogLevel.Warning => LogLevel.Information,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Debug,
            _ => LogLevel.Trace,
        };
        if (_logger.IsEnabled(level))
        {
            KafkaSinkLog.Librdkafka(_logger, level, _sinkName, message.Facility, message.Message);
        }
    }

    private async Task<ConnectionTestResult> CheckAsync(string? topic, CancellationToken cancellationToken)
    {
        Error? failure = null;
        Error? lastError = null;
        var gate = new Lock();
        var config = new AdminClientConfig(KafkaProducerConfigFactory.CreateClientConfig(_options, ClientId + "-check"))
        {
            SocketConnectionSetupTimeoutMs = (int)Math.Clamp(TestTimeout.TotalMilliseconds, 1000, 30_000),
        };

        IAdminClient admin;
        var refresher = _mskIam is null ? null : new MskIamTokenRefresher(_mskIam, _logger, _sinkName);
        try
        {
            KafkaNativeLibrary.EnsureLoaded();
            var builder = new AdminClientBuilder(config);
            if (refresher is not null)
            {
                builder.SetOAuthBearerTokenRefreshHandler(refresher.OnRefresh);
            }

            admin = builder
                .SetErrorHandler((_, error) =>
                {
                    lock (gate)
                    {
                        // "All brokers down" says less than the transport error before it: keep the latter as the reason.
                        if (error.Code != ErrorCode.Local_AllBrokersDown || lastError is null)
                        {
                            lastError = error;
                        }

                        if (IsHopeless(error))
                        {
                            failure ??= lastError;
                        }
                    }
                })
                .SetLogHandler((_, m) => Log(m))
                .Build();
        }
        catch (Exception ex) when (ex is KafkaException or ArgumentException or InvalidOperationException)
        {
            return ConnectionTestResult.Failed($"Invalid Kafka client configuration: {ex.Message}");
        }

        using (admin)
        {
            try
            {
                return await Task.Run(
                    () =>
                    {
                        var clock = Stopwatch.StartNew();
                        string? lastProblem = null;
                        while (true)
                        {
                            Error? hopeless;
                            lock (gate)
                            {
                                hopeless = failure;
                            }

                            if (hopeless is not null)
                            {
                                return ConnectionTestResult.Failed($"Cannot connect to Kafka at {_options.Hosts}: {KafkaErrorClassifier.Describe(hopeless)}");
                            }

                            var remaining = TestTimeout - clock.Elapsed;
                            if (remaining <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
                            {
                                Error? last;
                                lock (gate)
                                {
                                    last = lastError;
                                }

                                var why = lastProblem ?? (last is null ? "no answer" : KafkaErrorClassifier.Describe(last));
                                return ConnectionTestResult.Failed($"Cannot reach Kafka at {_options.Hosts} within {TestTimeout.TotalSeconds:0.#} s: {why}");
                            }

                            var attempt = remaining < TimeSpan.FromMilliseconds(500) ? remaining : TimeSpan.FromMilliseconds(500);
                            try
                            {
                                var metadata = topic is null ? admin.GetMetadata(attempt) : admin.GetMetadata(topic, attempt);
                                var result = Judge(metadata, topic, out lastProblem);
                                if (result is not null)
                                {
                                    return result;
                                }
                            }
                            catch (KafkaException ex)
                            {
                                lastProblem = KafkaErrorClassifier.Describe(ex.Error);
                            }
                        }
                    },
                    CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                refresher?.Dispose(); // before the client goes: no token is handed to a disposed client.
            }
        }
    }

    private ConnectionTestResult? Judge(Metadata metadata, string? topic, out string? problem)
    {
        problem = null;
        if (topic is null)
        {
            return ConnectionTestResult.Ok(
                $"Connected to Kafka at {_options.Hosts}: {metadata.Brokers.Count} broker(s), {metadata.Topics.Count} topic(s) visible.");
        }

        var meta = metadata.Topics.Find(t => t.Topic == topic);
        if (meta is null)
        {
            problem = $"the cluster returned no metadata for topic '{topic}'";
            return null;
        }

        var code = meta.Error.Code;
        if (code == ErrorCode.NoError && meta.Partitions.Count > 0 && meta.Partitions.TrueForAll(p => p.Leader >= 0))
        {
            return ConnectionTestResult.Ok(
                $"Topic '{topic}' is reachable at {_options.Hosts}: {meta.Partitions.Count} partition(s), all with a leader.");
        }

        if (code is ErrorCode.UnknownTopicOrPart)
        {
            return ConnectionTestResult.Failed(
                $"Topic '{topic}' does not exist and the brokers did not create it: {KafkaErrorClassifier.Describe(meta.Error)}");
        }

        if (code is ErrorCode.TopicAuthorizationFailed or ErrorCode.TopicException)
        {
            return ConnectionTestResult.Failed($"Topic '{topic}' cannot be produced to: {KafkaErrorClassifier.Describe(meta.Error)}");
        }

        // Leader not available (a topic being auto-created, or a leader election): ask again until the timeout.
        problem = code == ErrorCode.NoError
            ? $"topic '{topic}' has partitions without a leader"
            : $"topic '{topic}': {KafkaErrorClassifier.Describe(meta.Error)}";
        return null;
    }

    private static bool IsHopeless(Error error) =>
        error.IsFatal
        || error.Code is ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Authentication or ErrorCode.SaslAuthenticationFailed
            or ErrorCode.Local_Ssl or ErrorCode.Local_Resolve or ErrorCode.UnsupportedSaslMechanism;
}
