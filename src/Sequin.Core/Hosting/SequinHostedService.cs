using Microsoft.Extensions.Hosting;

namespace Sequin.Hosting;

/// <summary>
/// Runs the <see cref="SequinRuntime"/> inside a generic host: starts streaming when the host starts and stops
/// gracefully (stop reading, drain, acknowledge) when it stops. A failure (a database that cannot replicate, a sink
/// that cannot be created) is kept in <see cref="Failure"/> and stops the host.
/// </summary>
public sealed class SequinHostedService : BackgroundService
{
    private readonly SequinRuntime _runtime;
    private readonly IHostApplicationLifetime? _lifetime;

    /// <summary>Creates the service.</summary>
    /// <param name="runtime">The runtime to run.</param>
    /// <param name="lifetime">The host's lifetime, stopped when the runtime fails; null to leave the host running.</param>
    internal SequinHostedService(SequinRuntime runtime, IHostApplicationLifetime? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        _runtime = runtime;
        _lifetime = lifetime;
    }

    /// <summary>Why the runtime stopped on its own, or null.</summary>
    public Exception? Failure { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _runtime.RunAsync(stoppingToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Kept for the caller (exit code) and logged by the runtime; the host is stopped.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Failure = e;
            _lifetime?.StopApplication();
        }
    }
}
