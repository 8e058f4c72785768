using System.Text.Json;

namespace Sequin.Messages;

/// <summary>The message JSON's fixed property names (top level and metadata), encoded once.</summary>
internal static class MessageJsonNames
{
    public static readonly JsonEncodedText Record = JsonEncodedText.Encode("record");
    public static readonly JsonEncodedText Changes = JsonEncodedText.Encode("changes");
    public static readonly JsonEncodedText Action = JsonEncodedText.Encode("action");
    public static readonly JsonEncodedText Metadata = JsonEncodedText.Encode("metadata");
    public static readonly JsonEncodedText TableSchema = JsonEncodedText.Encode("table_schema");
    public static readonly JsonEncodedText TableName = JsonEncodedText.Encode("table_name");
    public static readonly JsonEncodedText CommitTimestamp = JsonEncodedText.Encode("commit_timestamp");
    public static readonly JsonEncodedText CommitLsn = JsonEncodedText.Encode("commit_lsn");
    public static readonly JsonEncodedText CommitIdx = JsonEncodedText.Encode("commit_idx");
    public static readonly JsonEncodedText IdempotencyKey = JsonEncodedText.Encode("idempotency_key");
    public static readonly JsonEncodedText RecordPks = JsonEncodedText.Encode("record_pks");
    public static readonly JsonEncodedText DatabaseName = JsonEncodedText.Encode("database_name");
    public static readonly JsonEncodedText TransactionAnnotations = JsonEncodedText.Encode("transaction_annotations");
    public static readonly JsonEncodedText Enrichment = JsonEncodedText.Encode("enrichment");
    public static readonly JsonEncodedText Consumer = JsonEncodedText.Encode("consumer");
    public static readonly JsonEncodedText Database = JsonEncodedText.Encode("database");
}
