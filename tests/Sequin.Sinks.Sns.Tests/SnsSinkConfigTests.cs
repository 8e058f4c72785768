using Sequin.Configuration;
using Sequin.Sinks.Sns.Tests.Support;

namespace Sequin.Sinks.Sns.Tests;

/// <summary>An SNS sink in a whole configuration, through Core's loader: Core holds <c>batch_size</c> to the sink's limit.</summary>
public sealed class SnsSinkConfigTests
{
    private static SequinConfigResult Load(int? batchSize)
    {
        var values = new List<(string, string?)>
        {
            ("databases:0:name", "shop"),
            ("databases:0:hostname", "db.internal"),
            ("databases:0:database", "shop"),
            ("databases:0:password", "hunter2"),
            ("databases:0:slot:name", "sequin_slot"),
            ("databases:0:publication:name", "sequin_pub"),
            ("sinks:0:name", "orders-to-sns"),
            ("sinks:0:database", "shop"),
            ("sinks:0:destination:type", "sns"),
            ("sinks:0:destination:topic_arn", Some.TopicArn),
            ("sinks:0:destination:use_task_role", "true"),
        };
        if (batchSize is { } size)
        {
            values.Add(("sinks:0:batch_size", size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return SequinConfigLoader.Load(Some.Config([.. values]), new SinkPluginCatalog([new SnsSink()]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(10)]
    public void BatchSizeUpToTenIsAccepted(int? batchSize)
    {
        var result = Load(batchSize);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(1000)]
    public void BatchSizeAboveTenFailsNamingTheKeyAndTheLimit(int batchSize)
    {
        var result = Load(batchSize);

        Assert.Null(result.Config);
        var error = Assert.Single(result.Errors);
        Assert.Equal("sinks[0].batch_size", error.Path);
        Assert.Contains("at most 10 ", error.Message, StringComparison.Ordinal);
        Assert.Contains("sns sink", error.Message, StringComparison.Ordinal);
    }
}
