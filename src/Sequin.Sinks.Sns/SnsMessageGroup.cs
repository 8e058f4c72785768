namespace Sequin.Sinks.Sns;

/// <summary>Where the <c>MessageGroupId</c> of a message sent to a FIFO topic comes from (<c>message_group</c>).</summary>
public enum SnsMessageGroup
{
    /// <summary>
    /// The message's ordering group (by default the row's primary key values joined by <c>:</c>): rows are ordered
    /// per row, and different rows proceed in parallel. YAML <c>group_id</c>. The default.
    /// </summary>
    GroupId,

    /// <summary>The table, <c>&lt;schema&gt;.&lt;table&gt;</c>: one ordered stream per table. YAML <c>table</c>.</summary>
    Table,
}
