using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql.Replication.PgOutput.Messages;

namespace Sequin.Replication;

/// <summary>
/// The annotations of the transaction being read. A transactional logical message with prefix
/// <see cref="SetPrefix"/> sets them (its payload, which must be JSON) for the changes that follow it in the same
/// transaction; one with <see cref="ClearPrefix"/> clears them; a new transaction starts without. Invalid JSON is
/// logged and clears them.
/// </summary>
internal sealed class TransactionAnnotations
{
    /// <summary>The logical message prefix that sets the annotations of the current transaction.</summary>
    public const string SetPrefix = "sequin:transaction_annotations.set";

    /// <summary>The logical message prefix that clears the annotations of the current transaction.</summary>
    public const string ClearPrefix = "sequin:transaction_annotations.clear";

    private const int MaxJsonDepth = 256;

    private readonly ILogger _logger;

    /// <summary>Creates the annotations of one replication connection, empty.</summary>
    public TransactionAnnotations(ILogger logger)
    {
        _logger = logger;
    }

    /// <summary>The annotations as raw JSON, or null when none are set.</summary>
    public string? Current { get; private set; }

    /// <summary>Clears the annotations (a new transaction begins).</summary>
    public void Reset() => Current = null;

    /// <summary>
    /// Applies a transactional logical message of transaction <paramref name="xid"/>: sets or clears the annotations
    /// when its prefix is one of Sequin's, ignores it otherwise.
    /// </summary>
    public async ValueTask ApplyAsync(LogicalDecodingMessage message, uint xid, ValueReader values, CancellationToken cancellationToken)
    {
        if (string.Equals(message.Prefix, ClearPrefix, StringComparison.Ordinal))
        {
            Current = null;
            return;
        }

        if (!string.Equals(message.Prefix, SetPrefix, StringComparison.Ordinal))
        {
            return; // someone else's message
        }

        var text = await values.ReadToEndAsync(message.Data, cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
            Current = document.RootElement.GetRawText();
        }
        catch (JsonException e)
        {
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                ReplicationLog.InvalidAnnotations(_logger, xid, e.Message);
            }

            Current = null;
        }
    }
}
