using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sequin.Hosting;

namespace Sequin.Host;

/// <summary>
/// Applies the configuration file to the running host again on SIGHUP and, with <c>sequin run --watch-config</c>, when
/// the file changes. Requests arriving while one is applied are merged into one more apply. An invalid file, or one that
/// needs a restart, is logged with its errors and the running configuration stays.
/// </summary>
internal sealed class ConfigReloadService : BackgroundService
{
    /// <summary>How long a change of the file must be followed by no other before it is read (editors write in steps).</summary>
    internal static readonly TimeSpan WatchQuietTime = TimeSpan.FromMilliseconds(500);

    private readonly LiveConfiguration _live;
    private readonly bool _watch;
    private readonly ILogger _logger;
    private readonly Channel<string> _requests = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public ConfigReloadService(LiveConfiguration live, bool watch, ILogger<ConfigReloadService> logger)
    {
        _live = live;
        _watch = watch;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = _live.FilePath!;
        using var hangup = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP reloads; it does not stop the process
            _requests.Writer.TryWrite("SIGHUP");
        });
        using var watcher = _watch ? Watch(path) : null;
        try
        {
            await foreach (var reason in _requests.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                if (reason == "file changed")
                {
                    // Let the editor finish writing: each further change restarts the wait.
                    while (await WaitForQuietAsync(stoppingToken).ConfigureAwait(false))
                    {
                    }
                }

                await ApplyAsync(path, reason, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> WaitForQuietAsync(CancellationToken cancellationToken)
    {
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        quiet.CancelAfter(WatchQuietTime);
        try
        {
            await _requests.Reader.WaitToReadAsync(quiet.Token).ConfigureAwait(false);
            _requests.Reader.TryRead(out _);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task ApplyAsync(string path, string reason, CancellationToken cancellationToken)
    {
        HostLog.Reloading(_logger, path, reason);
        try
        {
            var outcome = await _live.ApplyAsync(null, cancellationToken).ConfigureAwait(false);
            if (outcome.Errors.Count > 0)
            {
                HostLog.ReloadInvalid(_logger, path, string.Join("; ", outcome.Errors.Select(e => $"{(e.Path.Length == 0 ? "(file)" : e.Path)}: {e.Message}")));
            }
            else if (!outcome.Applied)
            {
                HostLog.ReloadRefused(_logger, path, outcome.Error ?? "refused");
            }
            else if (!outcome.Plan!.HasChanges)
            {
                HostLog.ReloadUnchanged(_logger, path);
            }
            else
            {
                HostLog.ReloadApplied(_logger, path, outcome.Plan.ToText().TrimEnd());
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            HostLog.ReloadFailed(_logger, e, path, e.Message);
        }
    }

    private FileSystemWatcher Watch(string path)
    {
        var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        void OnChange(object sender, FileSystemEventArgs e) => _requests.Writer.TryWrite("file changed");
        watcher.Changed += OnChange;
        watcher.Created += OnChange;
        watcher.Renamed += (sender, e) => _requests.Writer.TryWrite("file changed");
        watcher.EnableRaisingEvents = true;
        return watcher;
    }
}
