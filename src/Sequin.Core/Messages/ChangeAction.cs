namespace Sequin.Messages;

/// <summary>The kind of row change a <see cref="ChangeMessage"/> carries.</summary>
public enum ChangeAction
{
    /// <summary>A row was inserted. Wire name <c>insert</c>.</summary>
    Insert,

    /// <summary>A row was updated. Wire name <c>update</c>.</summary>
    Update,

    /// <summary>A row was deleted; the record is the old row. Wire name <c>delete</c>.</summary>
    Delete,

    /// <summary>A row was read by a backfill. Wire name <c>read</c>.</summary>
    Read,

    /// <summary>
    /// A table was truncated. Wire name <c>truncate</c>. Delivered only to sinks whose <c>actions</c> list it;
    /// the record is empty and the message has its own group (the table), so it is not ordered against row changes.
    /// </summary>
    Truncate,
}
