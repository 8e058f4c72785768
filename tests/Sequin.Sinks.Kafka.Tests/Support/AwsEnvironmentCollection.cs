namespace Sequin.Sinks.Kafka.Tests.Support;

/// <summary>Tests that set the process's AWS environment variables run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AwsEnvironmentCollection
{
    public const string Name = "AWS environment variables";
}
