namespace Sequin.Sinks.Sdk;

/// <summary>The client of a <see cref="Sink{TOptions}"/>: its delivery and limits; disposing it disposes the delivery.</summary>
internal sealed class DeliveryClient(ISinkDelivery delivery, SinkLimits limits) : ISinkClient
{
    public ISinkDelivery Delivery { get; } = delivery ?? throw new InvalidOperationException("CreateDelivery returned null.");

    public SinkLimits Limits { get; } = limits;

    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken) => Delivery.TestConnectionAsync(cancellationToken);

    public Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken) => Delivery.TestCredentialsAsync(cancellationToken);

    public ValueTask DisposeAsync() => Delivery.DisposeAsync();
}
