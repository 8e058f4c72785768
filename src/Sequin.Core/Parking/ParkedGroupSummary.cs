namespace Sequin.Parking;

/// <summary>One group with parked messages, as loaded when a sink starts.</summary>
/// <param name="Key">The group.</param>
/// <param name="Count">How many of its messages are parked.</param>
/// <param name="NextAttemptAt">When its head is due to be tried again.</param>
internal sealed record ParkedGroupSummary(ParkingKey Key, int Count, DateTimeOffset NextAttemptAt);
