namespace Sequin.Pipeline;

/// <summary>
/// The ordering key inside a consumer: the table's oid and the message's group id; messages with equal keys are delivered one at a time, in commit order.
/// Truncates are kept apart from row groups even when a row's group id equals the table name.
/// </summary>
internal readonly record struct GroupKey(uint TableOid, bool IsTruncate, string GroupId);
