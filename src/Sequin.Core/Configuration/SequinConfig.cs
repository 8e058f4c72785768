namespace Sequin.Configuration;

/// <summary>A validated <c>sequin.yaml</c>: databases, functions and sinks. Built by <see cref="SequinConfigLoader"/>.</summary>
public sealed class SequinConfig
{
    /// <summary>The source databases (<c>databases:</c>).</summary>
    public IReadOnlyList<DatabaseConfig> Databases { get; init; } = [];

    /// <summary>The routing, filter and transform functions (<c>functions:</c>).</summary>
    public IReadOnlyList<FunctionConfig> Functions { get; init; } = [];

    /// <summary>The sink consumers (<c>sinks:</c>).</summary>
    public IReadOnlyList<SinkConfig> Sinks { get; init; } = [];

    /// <summary>The HTTP endpoint (<c>http:</c>), or null when it is off.</summary>
    public HttpConfig? Http { get; init; }

    /// <summary>The readiness thresholds (<c>health:</c>); the defaults when the key is absent.</summary>
    public HealthConfig Health { get; init; } = HealthConfig.Default;

    /// <summary>The OTLP export of the metrics (<c>metrics.otlp</c>), or null when it is off.</summary>
    public OtlpConfig? Otlp { get; init; }

    /// <summary>The keys outside <c>databases</c>, <c>functions</c> and <c>sinks</c> (<c>http</c>, <c>health</c>, <c>metrics</c>, <c>http_endpoints</c>, ...), as read; compared by <see cref="ConfigPlan"/>.</summary>
    internal IReadOnlyDictionary<string, string?> OtherKeys { get; init; } = ConfigKeys.Empty;

    /// <summary>Finds a database by name (case-sensitive), or null.</summary>
    public DatabaseConfig? FindDatabase(string name) => Databases.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal));

    /// <summary>Finds a function by name (case-sensitive), or null.</summary>
    public FunctionConfig? FindFunction(string name) => Functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));

    /// <summary>Finds a sink by name (case-sensitive), or null.</summary>
    public SinkConfig? FindSink(string name) => Sinks.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
}
