using Sequin.Parking;

namespace Sequin.Pipeline;

/// <summary>
/// What a partition knows about a parked group: how many of its messages are in the parked-messages table, whether a
/// write of newer messages is under way, and whether its head is being tried. Only message counts and times are kept
/// in memory; the messages themselves are read from the table one at a time.
/// </summary>
internal sealed class ParkState(ParkingKey key, bool grouped)
{
    /// <summary>The group's key in the table.</summary>
    public ParkingKey Key { get; } = key;

    /// <summary>False when the parked message had no group id.</summary>
    public bool Grouped { get; } = grouped;

    /// <summary>Messages of the group known to be in the table.</summary>
    public int Stored { get; set; }

    /// <summary>A write of in-memory messages to the table is under way.</summary>
    public bool Writing { get; set; }

    /// <summary>The head is being read, delivered, or its outcome written.</summary>
    public bool HeadActive { get; set; }

    /// <summary>When the head is tried next.</summary>
    public DateTimeOffset Due { get; set; }

    /// <summary>The error that made the group park.</summary>
    public string? LastError { get; set; }
}
