using System.Text.Json;
using Npgsql;

namespace Sequin.Backfills;

/// <summary>
/// The high watermark of a backfill page: a transactional logical message written into the WAL after the page was read.
/// Changes decoded before it are those that may be newer than the page's rows; its payload names the page.
/// </summary>
internal static class BackfillWatermark
{
    /// <summary>The logical message prefix of watermarks.</summary>
    public const string Prefix = "sequin.backfill.watermark.1";

    /// <summary>Writes the watermark of page <paramref name="batchId"/> of backfill <paramref name="backfillId"/> and commits it.</summary>
    public static async Task EmitAsync(NpgsqlConnection connection, Guid backfillId, Guid batchId, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("select pg_catalog.pg_logical_emit_message(true, @prefix, @payload)", connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("prefix", Prefix);
            command.Parameters.AddWithValue("payload", $"{{\"backfill_id\":\"{backfillId}\",\"batch_id\":\"{batchId}\"}}");
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the page id of a watermark's payload; false for a payload this version did not write.</summary>
    public static bool TryParse(string content, out Guid batchId)
    {
        batchId = default;
        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("batch_id", out var batch)
                && batch.ValueKind == JsonValueKind.String
                && Guid.TryParse(batch.GetString(), out batchId);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
