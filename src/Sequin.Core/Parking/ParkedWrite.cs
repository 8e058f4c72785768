using Sequin.Messages;

namespace Sequin.Parking;

/// <summary>A message to park, with its failure history so far.</summary>
/// <param name="Key">Its group.</param>
/// <param name="Grouped">False when the message had no group id (its <see cref="ParkingKey.GroupId"/> is made up).</param>
/// <param name="Message">The change.</param>
/// <param name="FailedAttempts">Failed attempts so far (0 for a later message parked behind a failing one).</param>
/// <param name="LastError">The last failure, or null.</param>
/// <param name="NextAttemptAt">When to try it (the group's head) again.</param>
internal sealed record ParkedWrite(ParkingKey Key, bool Grouped, ChangeMessage Message, int FailedAttempts, string? LastError, DateTimeOffset NextAttemptAt);
