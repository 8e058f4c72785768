using System.Text;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>Values that are legal in PostgreSQL arrive intact and readable: deep json, non-ASCII text, quotes.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ValuesThroughHostTests(PostgresFixture postgres)
{
    [Fact]
    public async Task JsonbNestedDeeperThanSixtyFourLevelsIsDeliveredIntact()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "deepjson");
        await scenario.ExecuteAsync("CREATE TABLE misc (id int PRIMARY KEY, j jsonb, k json)");
        await using var host = SequinHostProcess.Start(scenario.WriteConfig());
        await scenario.WaitForSlotActiveAsync(host);

        int[] depths = [65, 300, 1500];
        foreach (var depth in depths)
        {
            await scenario.ExecuteAsync(
                $"INSERT INTO misc VALUES ({depth}, (repeat('[', {depth}) || repeat(']', {depth}))::jsonb, (repeat('{{\"a\":', {depth}) || '1' || repeat('}}', {depth}))::json)");
        }

        await scenario.WaitForMessagesAsync(depths.Length, host);
        Assert.Equal(0, await host.StopAsync());

        var lines = File.ReadAllLines(scenario.OutputPath).Where(l => l.Length > 0).ToList();
        Assert.Equal(depths.Length, lines.Count);
        Assert.Equal(depths, StdoutSinkOutput.Read(scenario.OutputPath).Select(m => (int)m["record"]!["id"]!).Order());
        foreach (var depth in depths)
        {
            // PostgreSQL's own text of each value, byte for byte.
            var line = lines.Single(l => l.StartsWith($"{{\"record\":{{\"id\":{depth},", StringComparison.Ordinal));
            Assert.Contains("\"j\":" + new string('[', depth) + new string(']', depth) + ",", line, StringComparison.Ordinal);
            Assert.Contains("\"k\":" + string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth) + "}", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TextIsWrittenAsUtf8WithOnlyTheEscapesJsonRequires()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "utf8");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, name text, doc jsonb)");
        await using var host = SequinHostProcess.Start(scenario.WriteConfig());
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO t VALUES (1, 'héllo \"wörld\" <b>&</b> 日本 🎉', '{\"k\": \"ünï \\\"q\\\"\"}')");
        await scenario.WaitForMessagesAsync(1, host);
        Assert.Equal(0, await host.StopAsync());

        var bytes = File.ReadAllBytes(scenario.OutputPath);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"name\":\"héllo \\\"wörld\\\" <b>&</b> 日本 🎉\"", text, StringComparison.Ordinal);
        Assert.Contains("ünï \\\"q\\\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", text, StringComparison.Ordinal);
        // What `grep héllo` looks for: é as its two UTF-8 bytes.
        Assert.True(bytes.AsSpan().IndexOf("héllo"u8) >= 0);
    }
}
