using Sequin.Messages;

namespace Sequin.Sinks;

/// <summary>
/// A change ready for a sink: the message, where it goes (<see cref="Route"/>), its group and its payload bytes.
/// Built by Sequin.Core after the filter, routing and transform functions ran.
/// </summary>
public sealed class RoutedMessage
{
    /// <summary>Creates a routed message.</summary>
    /// <param name="message">The change.</param>
    /// <param name="route">The resolved, validated route.</param>
    /// <param name="groupId">The ordering group (primary key values joined by <c>:</c>, or configured columns), or null.</param>
    /// <param name="payload">The UTF-8 JSON the sink sends: the default message JSON, or the transform's output.</param>
    /// <param name="isTransformed">Whether <paramref name="payload"/> is a transform's output.</param>
    public RoutedMessage(ChangeMessage message, Route route, string? groupId, ReadOnlyMemory<byte> payload, bool isTransformed)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(route);
        Message = message;
        Route = route;
        GroupId = groupId;
        Payload = payload;
        IsTransformed = isTransformed;
    }

    /// <summary>The change.</summary>
    public ChangeMessage Message { get; }

    /// <summary>The resolved route (topic, collection, ARN, ...).</summary>
    public Route Route { get; }

    /// <summary>The ordering group: primary key values joined by <c>:</c>, configured columns, or null without grouping.</summary>
    public string? GroupId { get; }

    /// <summary>The UTF-8 JSON payload: <c>{record, changes, action, metadata}</c>, or the transform's output.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Whether <see cref="Payload"/> came from a transform function.</summary>
    public bool IsTransformed { get; }
}
