using System.Text;
using System.Text.Json;
using Sequin.EndToEnd.Tests.Support;
using Sequin.Messages;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Values a transform passes through leave it as PostgreSQL sent them: numeric(30,10) and an unconstrained numeric of
/// 1e600 with their exact digits, text with quotes and emoji as raw UTF-8, jsonb nested 65, 300 and 1,500 levels whole.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TransformFidelityThroughHostTests(PostgresFixture postgres)
{
    private const string Amount = "12345678901234567890.0123456789";

    private static readonly string Huge = "1" + new string('0', 600);

    [Theory]
    [InlineData("return record;")]
    [InlineData("return {id: record.id, amount: record.amount, huge: record.huge, note: record.note, doc: record.doc};")]
    public async Task ATransformLeavesWhatItDoesNotChangeAsPostgresSentIt(string body)
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "fidelity");
        await scenario.ExecuteAsync("CREATE TABLE ledger (id int PRIMARY KEY, amount numeric(30,10), huge numeric, note text, doc jsonb)");
        var functions = $$"""
              - name: pass
                type: transform
                code: |-
                  function transform(action, record, changes, metadata) {
                    {{body}}
                  }
            """;
        await using var host = SequinHostProcess.Start(scenario.WriteConfig("transform: pass", functions: functions));
        await scenario.WaitForSlotActiveAsync(host);

        int[] depths = [65, 300, 1500];
        foreach (var depth in depths)
        {
            await scenario.ExecuteAsync(
                $"INSERT INTO ledger VALUES ({depth}, {Amount}, 1e600, 'héllo \"wörld\" ✓ 🚀', (repeat('{{\"a\":', {depth}) || '1' || repeat('}}', {depth}))::jsonb)");
        }

        await scenario.WaitForMessagesAsync(depths.Length, host);
        Assert.Equal(0, await host.StopAsync());

        var bytes = File.ReadAllBytes(scenario.OutputPath);
        var lines = Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(depths.Length, lines.Length);
        foreach (var depth in depths)
        {
            var line = lines.Single(l => l.StartsWith($"{{\"id\":{depth},", StringComparison.Ordinal));
            Assert.Contains($"\"amount\":{Amount},", line, StringComparison.Ordinal);
            Assert.Contains($"\"huge\":{Huge},", line, StringComparison.Ordinal);
            Assert.Contains("\"note\":\"héllo \\\"wörld\\\" ✓ 🚀\"", line, StringComparison.Ordinal);
            Assert.DoesNotContain("\\u", line, StringComparison.Ordinal);
            using var payload = JsonDocument.Parse(line, ChangeMessageJsonWriter.DocumentOptions);
            Assert.Equal(string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth), payload.RootElement.GetProperty("doc").GetRawText());
        }

        Assert.True(bytes.AsSpan().IndexOf("héllo \\\"wörld\\\" ✓ 🚀"u8) >= 0); // raw UTF-8 bytes
    }
}
