namespace Sequin.Pipeline;

/// <summary>What the head of a <see cref="MessageGroup"/> is doing.</summary>
internal enum MessageGroupState
{
    /// <summary>Empty or not yet scheduled.</summary>
    Idle,

    /// <summary>Queued to be processed and batched.</summary>
    Ready,

    /// <summary>In an open or in-flight batch.</summary>
    Busy,

    /// <summary>Waiting for its retry time.</summary>
    Waiting,
}
