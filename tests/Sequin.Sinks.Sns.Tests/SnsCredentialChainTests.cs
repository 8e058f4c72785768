using Sequin.Sinks.Sns.Tests.Support;
using Sequin.TestServers.Aws;

namespace Sequin.Sinks.Sns.Tests;

[CollectionDefinition(nameof(SnsCredentialChainTests), DisableParallelization = true)]
public sealed class SnsCredentialChainCollection;

/// <summary>
/// <c>use_task_role: true</c> goes through AWSSDK.Core's default credential chain. Environment variables come first in
/// that chain, so the test provides them (restoring what was there) and the fake checks the signature made with them.
/// </summary>
[Collection(nameof(SnsCredentialChainTests))]
public sealed class SnsCredentialChainTests
{
    [Fact]
    public async Task TaskRoleSignsWithCredentialsFromTheStandardChain()
    {
        var previousKey = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        var previousSecret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        var key = previousKey ?? "AKIDFROMENVIRONMENT";
        var secret = previousSecret ?? "secret/from+environment";
        await using var fake = SnsFakeServer.Start();
        fake.AddCredentials(key, secret);
        var topic = fake.CreateTopic("chain");
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", key);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", secret);
        try
        {
            var options = new SnsSinkOptions { TopicArn = topic, UseTaskRole = true, EndpointUrl = fake.Endpoint };
            await using var client = new SnsSink().CreateDelivery(options, Some.Context());

            var result = await client.TestConnectionAsync(CancellationToken.None);

            Assert.True(result.Success, result.Message);
            Assert.Equal(key, Assert.Single(fake.Requests).AccessKeyId);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", previousKey);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", previousSecret);
        }
    }
}
