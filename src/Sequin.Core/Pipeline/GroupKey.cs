namespace Sequin.Pipeline;

/// <summary>
/// The ordering key inside a consumer: the table and its group id (reference §8.4 groups by <c>(table_oid, group_id)</c>).
/// Truncates are kept apart from row groups even when a row's group id equals the table name.
/// </summary>
internal readonly record struct GroupKey(uint TableOid, bool IsTruncate, string GroupId);
