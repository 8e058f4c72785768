using Sequin.Configuration;
using Sequin.Sinks;

namespace Sequin.Hosting;

/// <summary>What a plan or apply request gave.</summary>
/// <param name="Errors">Validation errors of the new configuration (as <c>sequin validate</c> reports them); empty when it is valid.</param>
/// <param name="Plan">The difference with the running configuration, when valid.</param>
/// <param name="Applied">Whether the new configuration runs now.</param>
/// <param name="Error">Why an apply was refused (restart needed, a sink that cannot be created), or null.</param>
internal sealed record LiveConfigOutcome(IReadOnlyList<ConfigError> Errors, ConfigPlan? Plan, bool Applied, string? Error);

/// <summary>
/// Loads a new configuration the way the running host loaded its own (same plugins, <c>${VAR}</c> substitution,
/// <c>SEQUIN_</c> variables, function files relative to the configuration file) and plans or applies it on the
/// <see cref="SequinRuntime"/>. Registered by <c>sequin run</c>; used by <c>POST /api/config/plan|apply</c>, SIGHUP,
/// the file watch (<c>--watch-config</c>) and the console's new-sink form.
/// </summary>
internal sealed class LiveConfiguration
{
    private readonly SequinRuntime _runtime;
    private readonly Func<string?, SequinConfigResult> _load;

    /// <summary>Creates the service.</summary>
    /// <param name="runtime">The running runtime.</param>
    /// <param name="load">Loads YAML text (null: the configuration file) into a validated configuration or its errors.</param>
    /// <param name="filePath">The configuration file the host was started from, or null.</param>
    public LiveConfiguration(SequinRuntime runtime, Func<string?, SequinConfigResult> load, string? filePath)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(load);
        _runtime = runtime;
        _load = load;
        FilePath = filePath is null ? null : Path.GetFullPath(filePath);
    }

    /// <summary>The configuration file the host was started from (full path), or null.</summary>
    public string? FilePath { get; }

    /// <summary>The configuration the host runs now.</summary>
    public SequinConfig Running => _runtime.Config;

    /// <summary>Validates <paramref name="yaml"/> (null: the configuration file) and compares it with the running configuration.</summary>
    public LiveConfigOutcome Plan(string? yaml)
    {
        var result = _load(yaml);
        return result.IsValid
            ? new LiveConfigOutcome([], _runtime.Plan(result.Config!), false, null)
            : new LiveConfigOutcome(result.Errors, null, false, null);
    }

    /// <summary>Validates <paramref name="yaml"/> (null: the configuration file) and applies it; an invalid one is refused whole with its errors.</summary>
    public async Task<LiveConfigOutcome> ApplyAsync(string? yaml, CancellationToken cancellationToken)
    {
        var result = _load(yaml);
        if (!result.IsValid)
        {
            return new LiveConfigOutcome(result.Errors, null, false, null);
        }

        var applied = await _runtime.ApplyAsync(result.Config!, cancellationToken).ConfigureAwait(false);
        return new LiveConfigOutcome([], applied.Plan, applied.Applied, applied.Error);
    }
}
