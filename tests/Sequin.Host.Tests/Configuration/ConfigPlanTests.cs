using Sequin.Configuration;
using Sequin.Host.Tests.Support;

namespace Sequin.Host.Tests.Configuration;

/// <summary>The difference <c>sequin config plan</c> shows between the running configuration and a new one (issue 33).</summary>
public sealed class ConfigPlanTests
{
    private static SequinConfig Load(string yaml)
    {
        var result = Yaml.Load(yaml);
        Assert.Empty(result.Errors);
        return result.Config!;
    }

    private static SequinConfig Changed(string from, string to)
    {
        var yaml = Yaml.ValidConfig.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Yaml.ValidConfig, yaml);
        return Load(yaml);
    }

    [Fact]
    public void TheSameConfigurationHasNoChanges()
    {
        var plan = ConfigPlan.Compute(Load(Yaml.ValidConfig), Load(Yaml.ValidConfig));

        Assert.False(plan.HasChanges);
        Assert.True(plan.CanApplyLive);
        Assert.StartsWith("No changes", plan.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void AChangedSecretShowsAsAChangedKeyWithoutEitherValue()
    {
        var plan = ConfigPlan.Compute(Load(Yaml.ValidConfig), Changed("password: s3cret", "password: n3w-s3cret-value"));

        var change = Assert.Single(plan.Changes);
        Assert.Equal(("sink", "orders-static", ConfigChangeAction.Change), (change.Kind, change.Name, change.Action));
        Assert.Equal(["destination.password"], change.ChangedKeys);
        var text = plan.ToText();
        Assert.Contains("~ sink \"orders-static\": destination.password", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        Assert.True(plan.CanApplyLive);
    }

    [Fact]
    public void AnAddedSinkIsShownAsExportedWithItsSecretsMaskedAndARemovedOneByName()
    {
        var plan = ConfigPlan.Compute(Load(Yaml.ValidConfig), Changed("- name: orders-static", "- name: orders-renamed"));

        var text = plan.ToText();
        Assert.Contains("+ sink \"orders-renamed\"", text, StringComparison.Ordinal);
        Assert.Contains("- sink \"orders-static\"", text, StringComparison.Ordinal);
        Assert.Contains("Sinks: 1 to add, 0 to change (restarted alone), 1 to remove.", text, StringComparison.Ordinal);
        Assert.Contains("topic: \"orders\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AChangedFunctionChangesTheSinksThatUseIt()
    {
        var plan = ConfigPlan.Compute(Load(Yaml.ValidConfig), Changed("{ return true; }", "{ return false; }"));

        Assert.Contains(plan.Changes, c => c is { Kind: "function", Name: "only-big", Action: ConfigChangeAction.Change });
        var sink = Assert.Single(plan.SinkChanges);
        Assert.Equal("orders-static", sink.Name);
        Assert.Contains("functions[only-big]", sink.ChangedKeys);
    }

    [Fact]
    public void AChangedDatabaseNeedsARestartSayingWhich()
    {
        var plan = ConfigPlan.Compute(Load(Yaml.ValidConfig), Changed("slot: { name: sequin_slot", "slot: { name: other_slot"));

        Assert.False(plan.CanApplyLive);
        var reason = Assert.Single(plan.RestartNeeded);
        Assert.Contains("Database 'shop' changed (slot.name)", reason, StringComparison.Ordinal);
        Assert.Contains("restart `sequin run`", plan.ToText(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", plan.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void ASinkActivatedOnADatabaseTheHostDoesNotReadNeedsARestart()
    {
        var running = Load(Yaml.ValidConfig);
        var next = Changed("status: disabled", "status: active");

        Assert.True(ConfigPlan.Compute(running, next, new HashSet<string> { "shop" }).CanApplyLive);
        var plan = ConfigPlan.Compute(running, next, new HashSet<string>());
        Assert.Contains("Sink 'orders-dynamic' reads database 'shop', which this host does not read", Assert.Single(plan.RestartNeeded), StringComparison.Ordinal);
    }

    [Fact]
    public void AChangedHttpSectionNeedsARestart()
    {
        var running = Load(Yaml.ValidConfig + "\nhttp: { listen: \"127.0.0.1:7376\" }\n");
        var next = Load(Yaml.ValidConfig + "\nhttp: { listen: \"127.0.0.1:7377\" }\n");

        var plan = ConfigPlan.Compute(running, next);

        Assert.Contains(plan.Changes, c => c is { Kind: "setting", Name: "http" } && c.ChangedKeys.Contains("http.listen"));
        Assert.Contains("'http' changed (http.listen)", Assert.Single(plan.RestartNeeded), StringComparison.Ordinal);
    }
}
