namespace Sequin.Sinks.Postgres;

/// <summary>What a <c>truncate</c> of a source table does to its target table (<c>truncate</c>).</summary>
public enum PostgresTruncateMode
{
    /// <summary><c>ignore</c> (the default): the target keeps its rows; the truncate is acknowledged and dropped.</summary>
    Ignore,

    /// <summary><c>apply</c>: the target table is truncated too (<c>TRUNCATE</c>).</summary>
    Apply,
}
