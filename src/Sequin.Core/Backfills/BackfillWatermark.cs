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

    /// <summary>
    /// The statement that writes a page's watermark, with the parameters <see cref="AddParameters"/> adds. It follows the
    /// page's query in the same command, so in the same implicit transaction, right after it: its commit, where it is
    /// decoded, comes after the snapshot the page was read at.
    /// </summary>
    public const string Sql = "select pg_catalog.pg_logical_emit_message(true, @watermark_prefix, @watermark_payload)";

    /// <summary>Adds the parameters of <see cref="Sql"/> for page <paramref name="batchId"/> of backfill <paramref name="backfillId"/>.</summary>
    public static void AddParameters(NpgsqlParameterCollection parameters, Guid backfillId, Guid batchId)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Add(new NpgsqlParameter<string>("watermark_prefix", Prefix));
        parameters.Add(new NpgsqlParameter<string>("watermark_payload", $"{{\"backfill_id\":\"{backfillId}\",\"batch_id\":\"{batchId}\"}}"));
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
