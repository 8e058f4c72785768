namespace Sequin.Parking;

/// <summary>
/// The ordering group of parked messages within a sink: the table, whether it is a truncate, and the group id. A
/// message that had no group (<c>message_grouping: false</c>) is parked under a group id of its own.
/// </summary>
/// <param name="TableOid">The table's oid.</param>
/// <param name="IsTruncate">Whether the group holds truncates (kept apart from the table's row groups).</param>
/// <param name="GroupId">The group id.</param>
internal record struct ParkingKey(uint TableOid, bool IsTruncate, string GroupId);
