namespace Sequin.Routing;

/// <summary>Creates the per-partition <see cref="IMessageProcessor"/>s of one sink consumer.</summary>
internal interface IMessageProcessorFactory
{
    /// <summary>Creates a processor for one worker partition. Compiled functions are shared; engines are not.</summary>
    IMessageProcessor Create();
}
