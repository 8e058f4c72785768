using Sequin.Configuration;
using System.Collections;
using Microsoft.Extensions.Configuration;
using Sequin.Hosting.Configuration;
using Sequin.Host.Tests.Support;

namespace Sequin.Host.Tests.Configuration;

public sealed class SequinYamlConfigurationTests
{
    [Fact]
    public void YamlTreeBecomesConfigurationKeys()
    {
        var config = Yaml.ToConfiguration("""
            sinks:
              - name: a
                destination: { type: kafka, hosts: "b1:9092,b2:9092", tls: true }
                actions: [insert, delete]
                max_retry_count: null
                source: { include_tables: [] }
            """);

        Assert.Equal("a", config["sinks:0:name"]);
        Assert.Equal("b1:9092,b2:9092", config["sinks:0:destination:hosts"]);
        Assert.Equal("true", config["sinks:0:destination:tls"]);
        Assert.Equal("delete", config["sinks:0:actions:1"]);
        Assert.Null(config["sinks:0:max_retry_count"]);
        Assert.Equal(string.Empty, config["sinks:0:source:include_tables"]);
    }

    [Fact]
    public void EnvironmentVariablesAndDefaultsAreSubstituted()
    {
        var env = new Dictionary<string, string> { ["KAFKA_USER"] = "alice", ["EMPTY"] = string.Empty };
        var config = Yaml.ToConfiguration("""
            sinks:
              - destination:
                  username: "${KAFKA_USER}"
                  password: ${KAFKA_PASS:-fallback}
                  topic: "pre-${KAFKA_USER}-${EMPTY:-x}-post"
                  literal: "$${NOT_A_VAR}"
            """, env);

        Assert.Equal("alice", config["sinks:0:destination:username"]);
        Assert.Equal("fallback", config["sinks:0:destination:password"]);
        Assert.Equal("pre-alice-x-post", config["sinks:0:destination:topic"]);
        Assert.Equal("${NOT_A_VAR}", config["sinks:0:destination:literal"]);
    }

    [Fact]
    public void MissingVariableIsAnErrorNamingTheKeyPathAndTheVariable()
    {
        var ex = Assert.Throws<SequinConfigurationException>(() => Yaml.ToConfiguration("""
            databases:
              - name: shop
                password: ${PG_PASSWORD}
            sinks:
              - destination:
                  password: "${KAFKA_PASS}"
            """));

        Assert.Equal(2, ex.Errors.Count);
        Assert.Equal("databases[0].password", ex.Errors[0].Path);
        Assert.Contains("PG_PASSWORD", ex.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("sinks[0].destination.password", ex.Errors[1].Path);
        Assert.Contains("KAFKA_PASS", ex.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("line 6", ex.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SyntaxErrorReportsLineAndColumn()
    {
        var ex = Assert.Throws<SequinConfigurationException>(() => Yaml.ToConfiguration("""
            sinks:
              - name: a
                destination: { type: kafka
              - name: b
            """));

        var error = Assert.Single(ex.Errors);
        Assert.Matches(@"line \d+, column \d+", error.Message);
    }

    [Fact]
    public void DuplicateKeysAreReportedWithTheirLine()
    {
        var ex = Assert.Throws<SequinConfigurationException>(() => Yaml.ToConfiguration("""
            sinks:
              - name: a
                batch_size: 1
                batch_size: 2
            """));

        var error = Assert.Single(ex.Errors);
        Assert.Contains("line 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileSourceLoadsAndSequinEnvironmentVariablesOverrideKeys()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("sequin.yaml", "sinks:\n  - name: a\n    batch_size: 10\n");
        var env = new Hashtable
        {
            ["SEQUIN_SINKS__0__BATCH_SIZE"] = "50",
            ["SEQUIN_SINKS__0__DESTINATION__HOSTS"] = "b9:9092",
            ["SEQUIN_HOME"] = "/opt/sequin", // not a config section: ignored
            ["OTHER__X"] = "y",
        };

        var config = new ConfigurationBuilder().AddSequinYaml(path).AddSequinEnvironmentVariables(env).Build();

        Assert.Equal("a", config["sinks:0:name"]);
        Assert.Equal("50", config["sinks:0:batch_size"]);
        Assert.Equal("b9:9092", config["sinks:0:destination:hosts"]);
        Assert.Equal(["sinks"], config.GetChildren().Select(c => c.Key));
    }

    [Fact]
    public void FileSourceWrapsSubstitutionErrors()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("sequin.yaml", "sinks:\n  - name: ${SEQUIN_TEST_SURELY_UNSET_VARIABLE}\n");

        var ex = Assert.ThrowsAny<Exception>(() => new ConfigurationBuilder().AddSequinYaml(path).Build());

        var inner = ex as SequinConfigurationException ?? Assert.IsType<SequinConfigurationException>(ex.InnerException);
        Assert.Equal("sinks[0].name", Assert.Single(inner.Errors).Path);
    }
}
