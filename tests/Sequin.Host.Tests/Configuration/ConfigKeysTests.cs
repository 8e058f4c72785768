using Sequin.Configuration;
using Sequin.Host.Tests.Support;

namespace Sequin.Host.Tests.Configuration;

/// <summary>
/// The loader's keys are declared by the code that reads them and its enums are read by name: an unknown key's error
/// lists every key the section reads, and a bad enum value's error lists every accepted name.
/// </summary>
public sealed class ConfigKeysTests
{
    [Theory]
    [InlineData("databases", "    hostname: db.internal\n", "    hostname: db.internal\n    hostnam: x\n", "databases[0].hostnam",
        "name, url, hostname, port, database, username, password, ssl, ssl_mode, ssl_root_cert, await_database, wal_warnings, leader_lock, slot, publication, annotations, pool_size")]
    [InlineData("functions", "    type: filter\n", "    type: filter\n    lang: js\n", "functions[1].lang", "name, description, type, sink_type, path, code, file")]
    [InlineData("sinks", "    partition_count: 4\n", "    partition_count: 4\n    partitions: 4\n", "sinks[0].partitions",
        "name, database, status, table, schema, source, actions, tables, message_grouping, batch_size, batch_timeout_ms, max_retry_count, park_after_failures, discarded_retention_days, timestamp_format, max_memory_mb, partition_count, annotations, routing, filter, transform, enrichment, destination, load_shedding_policy, initial_backfill")]
    public void AnUnknownKeyListsEveryKeyItsSectionReads(string section, string anchor, string replacement, string path, string known)
    {
        var result = Yaml.Load(Yaml.ValidConfig.Replace(anchor, replacement, StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Equal($"Unknown field. Known fields: {known}.", error.Message);
        Assert.StartsWith(section, error.Path, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status: disabled", "status: paused", "sinks[1].status", "Must be one of active, disabled (got 'paused').")]
    [InlineData("timestamp_format: unix_microsecond", "timestamp_format: unix", "sinks[0].timestamp_format", "Must be one of iso8601, unix_microsecond (got 'unix').")]
    [InlineData("type: filter", "type: map", "functions[1].type", "Must be one of routing, filter, transform, enrichment (got 'map').")]
    [InlineData("    type: filter\n", "", "functions[1].type", "Required: one of routing, filter, transform, enrichment.")]
    [InlineData("actions: [insert, delete]", "actions: [insert, read]", "sinks[0].actions[1]", "Must be one of insert, update, delete, truncate (got 'read').")]
    public void ABadEnumValueIsAnErrorListingEveryAcceptedName(string anchor, string replacement, string path, string message)
    {
        var result = Yaml.Load(Yaml.ValidConfig.Replace(anchor, replacement, StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void EnumNamesAreReadIgnoringCaseAndExportedAsDeclared()
    {
        var yaml = Yaml.ValidConfig
            .Replace("timestamp_format: unix_microsecond", "timestamp_format: ISO8601", StringComparison.Ordinal)
            .Replace("    hostname: db.internal\n", "    hostname: db.internal\n    ssl_mode: Verify-CA\n    ssl_root_cert: root.pem\n", StringComparison.Ordinal)
            .Replace("status: disabled", "status: Disabled", StringComparison.Ordinal);
        using var folder = new TempDirectory();
        folder.Write("root.pem", "-----BEGIN CERTIFICATE-----\n");

        var config = Yaml.Load(yaml, baseDirectory: folder.Path).Config!;
        var exported = SequinConfigExporter.Export(config);

        Assert.Equal(DatabaseSslMode.VerifyCa, config.Databases[0].SslMode);
        Assert.Equal(SinkStatus.Disabled, config.FindSink("orders-dynamic")!.Status);
        Assert.Contains("ssl_mode: verify-ca", exported, StringComparison.Ordinal);
        Assert.Contains("timestamp_format: iso8601", exported, StringComparison.Ordinal);
        Assert.Contains("status: disabled", exported, StringComparison.Ordinal);
        Assert.Contains("type: routing", exported, StringComparison.Ordinal);
        Assert.Contains("actions: [insert, delete]", exported, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("await_database: { type: x }", "databases[0].await_database.type", "Unknown field. Known fields: timeout_ms, interval_ms.")]
    [InlineData("wal_warnings: { type: x }", "databases[0].wal_warnings.type", "Unknown field. Known fields: retained_mb, undelivered_age_ms.")]
    [InlineData("await_database: [1]", "databases[0].await_database", "Expected a map of keys and values.")]
    public void AwaitDatabaseAndWalWarningsAcceptOnlyTheirOwnKeys(string keys, string path, string message)
    {
        var result = Yaml.Load(Yaml.ValidConfig.Replace("    hostname: db.internal\n", "    hostname: db.internal\n    " + keys + "\n", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void WalWarningsAndAwaitDatabaseDefaultsExportAndLoadBack()
    {
        var config = Yaml.Load(Yaml.ValidConfig).Config!;
        var exported = SequinConfigExporter.Export(config);

        Assert.Contains("await_database: { timeout_ms: 30000, interval_ms: 3000 }", exported, StringComparison.Ordinal);
        Assert.Contains("wal_warnings: { retained_mb: 1024, undelivered_age_ms: 600000 }", exported, StringComparison.Ordinal);
        var again = Yaml.Load(exported).Config!.Databases[0];
        Assert.Equal((AwaitDatabaseConfig.Default, WalWarningsConfig.Default), (again.AwaitDatabase, again.WalWarnings));
    }

    [Theory]
    [InlineData("await_database: { timeout_ms: ~, interval_ms: null }")]
    [InlineData("await_database:\n      timeout_ms:\n    wal_warnings: { retained_mb: }")]
    public void ANullSettingMeansNotSetAsEverywhereElse(string keys)
    {
        var result = Yaml.Load(Yaml.ValidConfig.Replace("    hostname: db.internal\n", "    hostname: db.internal\n    " + keys + "\n", StringComparison.Ordinal));

        Assert.Empty(result.Errors);
        Assert.Equal((AwaitDatabaseConfig.Default, WalWarningsConfig.Default), (result.Config!.Databases[0].AwaitDatabase, result.Config.Databases[0].WalWarnings));
    }

    [Theory]
    [InlineData("leader_lock: { retry_interval_ms: 10 }", "databases[0].leader_lock.retry_interval_ms")]
    [InlineData("leader_lock: { check_interval_ms: 0 }", "databases[0].leader_lock.check_interval_ms")]
    [InlineData("leader_lock: { every: 5 }", "databases[0].leader_lock.every")]
    public void ALeaderLockSettingOutOfRangeOrUnknownIsAnErrorNamingTheKey(string keys, string path)
    {
        var result = Yaml.Load(Yaml.ValidConfig.Replace("    hostname: db.internal\n", "    hostname: db.internal\n    " + keys + "\n", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void LeaderLockSettingsLoadExportAndLoadBack()
    {
        var config = Yaml.Load(Yaml.ValidConfig.Replace("    hostname: db.internal\n", "    hostname: db.internal\n    leader_lock: { retry_interval_ms: 500 }\n", StringComparison.Ordinal)).Config!;
        Assert.Equal(new LeaderLockConfig(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)), config.Databases[0].LeaderLock);
        Assert.Equal(TimeSpan.FromSeconds(2), LeaderLockConfig.Default.RetryInterval);

        var exported = SequinConfigExporter.Export(config);
        Assert.Contains("leader_lock: { retry_interval_ms: 500, check_interval_ms: 1000 }", exported, StringComparison.Ordinal);
        Assert.Equal(config.Databases[0].LeaderLock, Yaml.Load(exported).Config!.Databases[0].LeaderLock);
    }
}
