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
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The file lock's SemaphoreSlim never creates a wait handle (only WaitAsync is used): nothing to dispose.")]
internal sealed class LiveConfiguration
{
    private readonly SemaphoreSlim _fileLock = new(1, 1);
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

    /// <summary>
    /// Edits the configuration file and applies the result (the console's "save"): refused, with the file untouched, when
    /// the host was not started from a file, when the file already differs from what the host runs (changes not applied
    /// yet would be applied with it), when <paramref name="edit"/> cannot change it without losing what it holds, or when
    /// the edited configuration is invalid or needs a restart. The file is written only once the edited text validated
    /// and planned; if applying it then fails, the previous text is written back.
    /// </summary>
    /// <param name="edit">Returns the new text of the file, or null and why it cannot be edited.</param>
    /// <param name="cancellationToken">Cancels waiting for another edit.</param>
    public async Task<LiveFileEdit> EditFileAsync(Func<string, (string? Text, string? Problem)> edit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edit);
        if (FilePath is null)
        {
            return new LiveFileEdit(false, "This host was not started from a configuration file.", null);
        }

        await _fileLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string original;
            try
            {
                original = await File.ReadAllTextAsync(FilePath, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new LiveFileEdit(false, $"{FilePath} cannot be read: {e.Message}", null);
            }

            var current = Plan(original);
            if (current.Errors.Count > 0 || current.Plan!.HasChanges)
            {
                return new LiveFileEdit(false, $"{FilePath} differs from what the host runs (edited since it was applied): apply it first (sequin config apply) or add the block by hand.", null);
            }

            var (text, problem) = edit(original);
            if (text is null)
            {
                return new LiveFileEdit(false, problem ?? "The file cannot be edited.", null);
            }

            var planned = Plan(text);
            if (planned.Errors.Count > 0 || !planned.Plan!.CanApplyLive)
            {
                return new LiveFileEdit(false, planned.Errors.Count > 0 ? "The configuration with this change does not validate." : "This change needs a restart.", planned);
            }

            try
            {
                await File.WriteAllTextAsync(FilePath, text, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new LiveFileEdit(false, $"{FilePath} is not writable: {e.Message}", planned);
            }

            var applied = await ApplyAsync(null, CancellationToken.None).ConfigureAwait(false);
            if (!applied.Applied)
            {
                await File.WriteAllTextAsync(FilePath, original, CancellationToken.None).ConfigureAwait(false);
                return new LiveFileEdit(false, applied.Error ?? "The change was not applied; the file was restored.", applied);
            }

            return new LiveFileEdit(true, null, applied);
        }
        finally
        {
            _fileLock.Release();
        }
    }
}

/// <summary>What <see cref="LiveConfiguration.EditFileAsync"/> did.</summary>
/// <param name="Saved">Whether the file was written and the host runs it.</param>
/// <param name="Problem">Why not, or null.</param>
/// <param name="Outcome">The plan (or the validation errors) of the edited configuration, when it got that far.</param>
internal sealed record LiveFileEdit(bool Saved, string? Problem, LiveConfigOutcome? Outcome);
