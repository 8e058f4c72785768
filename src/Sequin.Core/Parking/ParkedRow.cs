using Sequin.Messages;

namespace Sequin.Parking;

/// <summary>A parked message read back for delivery.</summary>
/// <param name="Id">Its row id (increasing in parking order).</param>
/// <param name="Grouped">False when the message had no group id.</param>
/// <param name="Message">The change.</param>
/// <param name="FailedAttempts">Failed attempts so far.</param>
internal sealed record ParkedRow(long Id, bool Grouped, ChangeMessage Message, int FailedAttempts);
