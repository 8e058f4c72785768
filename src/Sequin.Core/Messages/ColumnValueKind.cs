namespace Sequin.Messages;

/// <summary>What the WAL said about one column of a row.</summary>
public enum ColumnValueKind : byte
{
    /// <summary>SQL NULL.</summary>
    Null,

    /// <summary>A value in PostgreSQL's text format.</summary>
    Text,

    /// <summary>
    /// A TOASTed value that did not change and was not sent. It is reported as the string <c>"unchanged_toast"</c>,
    /// never as null, unless the old row (REPLICA IDENTITY FULL) supplies it.
    /// </summary>
    UnchangedToast,
}
