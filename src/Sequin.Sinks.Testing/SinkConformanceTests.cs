using System.Text.RegularExpressions;
using Sequin.Hosting.Plugins;
using Xunit;

namespace Sequin.Sinks.Testing;

/// <summary>
/// The promises every sink keeps, as xUnit tests: derive a test class from this one in the sink's test project, give it
/// a destination it can write to and one nothing answers at, and the sink is checked as Core and its users rely on it:
/// every option described, secrets masked on export, each error naming its key path, routable options giving the static
/// route, connection tests that return a reason instead of throwing, one outcome per message for a batch of the sink's
/// own batch size, a message the destination refuses for good reported as permanent (not retried), safe double
/// disposal, and the published plugin loadable from <c>plugins/</c> as the host loads it.
/// </summary>
/// <remarks>
/// The delivery checks talk to the destination <see cref="ReachableDestination"/> names: start a real server (or a fake
/// written to the destination's documented behaviour, where none can run) in the derived class's fixture.
/// </remarks>
/// <typeparam name="TOptions">The sink's options class.</typeparam>
public abstract partial class SinkConformanceTests<TOptions>
    where TOptions : class, new()
{
    /// <summary>Checks <paramref name="sink"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="sink"/> is null.</exception>
    protected SinkConformanceTests(Sink<TOptions> sink)
    {
        Kit = new SinkTestKit<TOptions>(sink);
    }

    /// <summary>The sink under test and its test data.</summary>
    protected SinkTestKit<TOptions> Kit { get; }

    /// <summary>A <c>destination:</c> section (without <c>type</c>), valid in static routing, naming a destination these tests can write to.</summary>
    protected abstract IReadOnlyList<(string Key, string? Value)> ReachableDestination { get; }

    /// <summary>A <c>destination:</c> section, valid in static routing, naming a destination nothing answers at (e.g. a closed port on 127.0.0.1).</summary>
    protected abstract IReadOnlyList<(string Key, string? Value)> UnreachableDestination { get; }

    /// <summary>
    /// A message the reachable destination refuses for good (too large, invalid for it, aimed at something that does not
    /// exist), or null when it refuses nothing for good; then <see cref="NoPermanentErrorReason"/> must say why.
    /// </summary>
    protected abstract RoutedMessage? PermanentlyRefusedMessage(TOptions options);

    /// <summary>Why the destination has no permanent error, when <see cref="PermanentlyRefusedMessage"/> gives none.</summary>
    protected virtual string? NoPermanentErrorReason => null;

    /// <summary>The message of row <paramref name="id"/> the delivery checks send: an insert into <see cref="TestTable.Orders"/>, routed statically.</summary>
    protected virtual RoutedMessage Message(TOptions options, int id) => Kit.Routed(TestTable.Order(id), options);

    /// <summary>The folder the test project publishes the sink's plugin to: <c>plugins/</c> next to the tests.</summary>
    protected virtual string PluginsFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>How long one delivery or connection test may take: 60 s.</summary>
    protected virtual TimeSpan Timeout => TimeSpan.FromSeconds(60);

    /// <summary>The most messages the batch check sends at once: 100 (or the sink's default batch size, when smaller).</summary>
    protected virtual int MaxCheckedBatch => 100;

    /// <summary>Every option has a description and a snake_case name; the description of a secret does not show a value.</summary>
    [Fact]
    public void EveryOptionIsDescribedAndNamedInSnakeCase()
    {
        var fields = Kit.Plugin.Schema.Fields;
        Assert.NotEmpty(fields);
        foreach (var field in fields)
        {
            Assert.Matches(SnakeCase(), field.Name);
            Assert.False(string.IsNullOrWhiteSpace(field.Description), $"{field.Name} has no description");
            if (field.Secret)
            {
                Assert.Null(field.DefaultValue);
            }
        }

        Assert.Matches(SnakeCase(), Kit.Sink.TypeName);
        Assert.False(string.IsNullOrWhiteSpace(Kit.Sink.Description), "the sink has no description");
    }

    /// <summary>The two destinations of the derived class are valid, and the sink's limits for them are consistent.</summary>
    [Fact]
    public void TheTestDestinationsAreValidAndTheirLimitsConsistent()
    {
        foreach (var destination in new[] { ReachableDestination, UnreachableDestination })
        {
            var options = Kit.Options([.. destination]);
            var limits = Kit.Limits(options);
            limits.Validate();
            Assert.InRange(limits.DefaultBatchMessages, 1, limits.MaxBatchMessages);
        }
    }

    /// <summary>No secret value appears in the export of the options, whichever secret option it was given to.</summary>
    [Fact]
    public void SecretsAreMaskedOnExport()
    {
        var exported = Kit.Export(Kit.Options([.. ReachableDestination]));
        foreach (var field in Kit.Plugin.Schema.Fields.Where(f => f.Secret))
        {
            foreach (var (key, value) in ReachableDestination)
            {
                if (value is { Length: > 0 } && IsFieldKey(key, field.Name))
                {
                    Assert.DoesNotContain(exported, e => e.Value.Contains(value, StringComparison.Ordinal));
                }
            }

            var marker = "conformance-secret-" + Guid.NewGuid().ToString("N");
            var withMarker = Replace(ReachableDestination, field.Name, field.Type == SinkFieldType.Map ? (field.Name + ":X-Conformance", marker) : (field.Name, marker));
            var parsed = Kit.Parse(RoutingMode.Static, withMarker);
            if (parsed.IsValid)
            {
                Assert.DoesNotContain(Kit.Export((TOptions)parsed.Options), e => e.Value.Contains(marker, StringComparison.Ordinal) || e.Key.Contains(marker, StringComparison.Ordinal));
            }
        }
    }

    /// <summary>An unknown key, a missing required key and a value of the wrong type are each reported at the key's path with a reason.</summary>
    [Fact]
    public void EachErrorNamesItsKeyPathAndAReason()
    {
        var unknown = Kit.Errors([.. ReachableDestination, ("no_such_key", "x")]);
        AssertErrorAt(unknown, "no_such_key");

        foreach (var field in Kit.Plugin.Schema.Fields)
        {
            if (field.Required && ReachableDestination.Any(p => IsFieldKey(p.Key, field.Name)))
            {
                AssertErrorAt(Kit.Errors([.. ReachableDestination.Where(p => !IsFieldKey(p.Key, field.Name))]), field.Name);
            }

            var wrong = field.Type switch
            {
                SinkFieldType.WholeNumber => "not-a-number",
                SinkFieldType.Boolean => "not-a-boolean",
                SinkFieldType.Enum => "not-one-of-the-values",
                _ => null,
            };
            if (wrong is not null)
            {
                AssertErrorAt(Kit.Errors(Replace(ReachableDestination, field.Name, (field.Name, wrong))), field.Name);
            }
        }
    }

    /// <summary>A routable option set in the destination is the route's value for that key in static routing.</summary>
    [Fact]
    public void RoutableOptionsGiveTheStaticRoute()
    {
        var options = Kit.Options([.. ReachableDestination]);
        var route = Kit.Route(TestTable.Order(1), options);
        foreach (var field in Kit.Plugin.Schema.Fields.Where(f => f.Routable && f.Type != SinkFieldType.Map))
        {
            var given = ReachableDestination.LastOrDefault(p => IsFieldKey(p.Key, field.Name));
            if (given.Value is not null && route.IsKnownKey(field.Name))
            {
                Assert.Equal(given.Value, route[field.Name]);
            }
        }

        Assert.Null(Kit.Plugin.Routing.Validate(route));
    }

    /// <summary>Connection and credential tests of a destination nothing answers at return a failure with a reason, in time, instead of throwing.</summary>
    [Fact]
    public async Task ConnectionTestsOfAnUnreachableDestinationReturnAFailureWithAReason()
    {
        var delivery = Kit.Delivery(Kit.Options([.. UnreachableDestination]));
        await using var disposeDelivery = delivery.ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(Timeout);
        var connection = await delivery.TestConnectionAsync(timeout.Token).ConfigureAwait(false);
        Assert.False(connection.Success, "the connection test of an unreachable destination succeeded");
        Assert.False(string.IsNullOrWhiteSpace(connection.Message), "the failed connection test gave no reason");
        var credentials = await delivery.TestCredentialsAsync(timeout.Token).ConfigureAwait(false);
        Assert.False(credentials.Success, "the credentials test of an unreachable destination succeeded");
        Assert.False(string.IsNullOrWhiteSpace(credentials.Message), "the failed credentials test gave no reason");
    }

    /// <summary>The connection test of the reachable destination succeeds.</summary>
    [Fact]
    public async Task TheConnectionTestOfTheReachableDestinationSucceeds()
    {
        var delivery = Kit.Delivery(Kit.Options([.. ReachableDestination]));
        await using var disposeDelivery = delivery.ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(Timeout);
        var result = await delivery.TestConnectionAsync(timeout.Token).ConfigureAwait(false);
        Assert.True(result.Success, result.Message);
    }

    /// <summary>A batch of the sink's default batch size gets one outcome per message, in order, each delivered.</summary>
    [Fact]
    public async Task ABatchOfTheSinksBatchSizeGetsOneDeliveredOutcomePerMessage()
    {
        var options = Kit.Options([.. ReachableDestination]);
        var size = Math.Min(Kit.Limits(options).DefaultBatchMessages, MaxCheckedBatch);
        var messages = Enumerable.Range(1, size).Select(id => Message(options, id)).ToArray();
        var delivery = Kit.Delivery(options);
        await using var disposeDelivery = delivery.ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(Timeout);
        var outcomes = await delivery.DeliverAsync(SinkTestKit.Batch(messages), timeout.Token).ConfigureAwait(false);
        Assert.Equal(size, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.IsDelivered, $"{o.Status}: {o.Error}"));
    }

    /// <summary>A message the destination refuses for good is reported as permanent (not retried), with the destination's reason; the delivery then still delivers.</summary>
    [Fact]
    public async Task AMessageTheDestinationRefusesForGoodIsNotRetried()
    {
        var options = Kit.Options([.. ReachableDestination]);
        var refused = PermanentlyRefusedMessage(options);
        if (refused is null)
        {
            Assert.False(string.IsNullOrWhiteSpace(NoPermanentErrorReason), "PermanentlyRefusedMessage gave no message and NoPermanentErrorReason says not why");
            return;
        }

        var delivery = Kit.Delivery(options);
        await using var disposeDelivery = delivery.ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(Timeout);
        var outcome = Assert.Single(await delivery.DeliverAsync(SinkTestKit.Batch(refused), timeout.Token).ConfigureAwait(false));
        Assert.True(outcome.Status is DeliveryStatus.Permanent or DeliveryStatus.Rejected, $"the refused message's outcome was {outcome.Status}: {outcome.Error}");
        Assert.False(string.IsNullOrWhiteSpace(outcome.Error), "the permanent outcome gave no reason");

        var next = Assert.Single(await delivery.DeliverAsync(SinkTestKit.Batch(Message(options, 1)), timeout.Token).ConfigureAwait(false));
        Assert.True(next.IsDelivered, $"after the refused message: {next.Status}: {next.Error}");
    }

    /// <summary>Disposing the delivery twice, after it delivered, neither throws nor hangs.</summary>
    [Fact]
    public async Task DisposingTheDeliveryTwiceIsSafe()
    {
        var options = Kit.Options([.. ReachableDestination]);
        var delivery = Kit.Delivery(options);
        using var timeout = new CancellationTokenSource(Timeout);
        var outcome = Assert.Single(await delivery.DeliverAsync(SinkTestKit.Batch(Message(options, 1)), timeout.Token).ConfigureAwait(false));
        Assert.True(outcome.IsDelivered, $"{outcome.Status}: {outcome.Error}");
        await delivery.DisposeAsync().AsTask().WaitAsync(Timeout).ConfigureAwait(false);
        await delivery.DisposeAsync().AsTask().WaitAsync(Timeout).ConfigureAwait(false);
    }

    /// <summary>
    /// The sink's published plugin, in <see cref="PluginsFolder"/>, loads as the host loads it (its own load context,
    /// Core shared) with the same type name, options and route keys.
    /// </summary>
    [Fact]
    public void ThePublishedPluginLoadsAsTheHostLoadsIt()
    {
        var result = PluginDirectory.Load(PluginsFolder);
        Assert.Empty(result.Failures);
        var loaded = Assert.Single(result.Plugins, p => p.Plugin.TypeName == Kit.Sink.TypeName);
        Assert.Equal(Kit.Plugin.Schema.Fields.Select(f => f.Name), loaded.Plugin.Schema.Fields.Select(f => f.Name));
        Assert.Equal(Kit.Plugin.Routing.Keys.Select(k => k.Name), loaded.Plugin.Routing.Keys.Select(k => k.Name));
        Assert.NotSame(Kit.Sink.GetType().Assembly, loaded.Plugin.GetType().Assembly);
    }

    private static void AssertErrorAt(IReadOnlyList<ConfigError> errors, string key)
    {
        var path = SinkTestKit.Path + "." + key;
        var error = errors.FirstOrDefault(e => string.Equals(e.Path, path, StringComparison.OrdinalIgnoreCase));
        Assert.True(error is not null, $"no error at {path}; errors: {string.Join("; ", errors)}");
        Assert.False(string.IsNullOrWhiteSpace(error.Message), $"the error at {path} gives no reason");
    }

    private static bool IsFieldKey(string key, string field) =>
        string.Equals(key, field, StringComparison.OrdinalIgnoreCase) || key.StartsWith(field + ":", StringComparison.OrdinalIgnoreCase);

    private static (string Key, string? Value)[] Replace(IReadOnlyList<(string Key, string? Value)> destination, string field, (string Key, string? Value) value) =>
        [.. destination.Where(p => !IsFieldKey(p.Key, field)), value];

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex SnakeCase();
}
