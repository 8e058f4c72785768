using System.Diagnostics;
using System.Text.Json;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Fault injection on the stdout sink's file, through the real host: a disk that fills up and a file deleted under the
/// host. Each asserts that every committed change arrived, in order per row, and that every line is whole JSON.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class StdoutSinkFaultTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ADiskThatFillsUpLeavesNoBrokenLineAndEveryChangeArrivesOnceThereIsSpace()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "diskfull");
        var disk = Path.Combine(scenario.Directory, "disk");
        Directory.CreateDirectory(disk);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=4m", "sequin-test", disk);
        try
        {
            // Leave about 400 KB free: a burst of ~1 MB of messages fills the disk part way through.
            var filler = Path.Combine(disk, "filler");
            await File.WriteAllBytesAsync(filler, new byte[(4 * 1024 * 1024) - (400 * 1024)]);
            var output = Path.Combine(disk, "messages.jsonl");
            await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int, pad text)");
            await using var host = SequinHostProcess.Start(scenario.WriteConfig(destinationType: "stdout", destinationFields: new Dictionary<string, string> { ["path"] = output }));
            await scenario.WaitForSlotActiveAsync(host);

            await scenario.ExecuteAsync("INSERT INTO t SELECT g, 0, repeat('x', 500) FROM generate_series(1, 1500) g");
            await scenario.ExecuteAsync("UPDATE t SET v = 1 WHERE id % 3 = 0");
            await host.WaitForOutputAsync("No space left on device");

            File.Delete(filler);
            await Eventually.UntilAsync(() => CountLines(output) >= 2000, () => $"2,000 messages in {output} (have {CountLines(output)}); host output:\n{host.Output}", TimeSpan.FromSeconds(90));
            Assert.Equal(0, await host.StopAsync());

            var messages = ReadWholeLines(output);
            AssertEveryChangeInRowOrder(messages, rows: 1500, updatedEvery: 3);
        }
        finally
        {
            await RunAsync("umount", "-l", disk);
        }
    }

    [Fact]
    public async Task AFileDeletedUnderTheHostIsOpenedAgainAndNothingWrittenAfterwardsIsLost()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "filedeleted");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int)");
        await using var host = SequinHostProcess.Start(scenario.WriteConfig());
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO t SELECT g, 0 FROM generate_series(1, 100) g");
        await scenario.WaitForMessagesAsync(100, host);
        File.Delete(scenario.OutputPath);

        // The host still holds the deleted file open; everything from here on must reach the file now at the path.
        for (var i = 0; i < 20; i++)
        {
            await scenario.ExecuteAsync($"INSERT INTO t SELECT g, 0 FROM generate_series({101 + (i * 50)}, {150 + (i * 50)}) g");
        }

        await scenario.ExecuteAsync("UPDATE t SET v = 1 WHERE id > 100 AND id % 2 = 0");
        await scenario.WaitForMessagesAsync(1000 + 500, host, TimeSpan.FromSeconds(90));
        Assert.Equal(0, await host.StopAsync());

        var messages = ReadWholeLines(scenario.OutputPath);
        var ids = messages.Select(m => m.GetProperty("record").GetProperty("id").GetInt32()).ToHashSet();
        Assert.True(Enumerable.Range(101, 1000).All(ids.Contains), "every insert committed after the deletion is in the new file");
        AssertEveryChangeInRowOrder(messages.Where(m => m.GetProperty("record").GetProperty("id").GetInt32() > 100).ToList(), rows: 1000, updatedEvery: 2, firstId: 101);
    }

    private static void AssertEveryChangeInRowOrder(IReadOnlyList<JsonElement> messages, int rows, int updatedEvery, int firstId = 1)
    {
        var byRow = messages
            .GroupBy(m => m.GetProperty("record").GetProperty("id").GetInt32())
            .ToDictionary(g => g.Key, g => g.Select(m => m.GetProperty("action").GetString()).ToList());
        for (var id = firstId; id < firstId + rows; id++)
        {
            Assert.True(byRow.TryGetValue(id, out var actions), $"row {id} arrived");
            var distinct = actions.Distinct().ToList(); // duplicates are allowed (at least once), order is not negotiable
            Assert.Equal("insert", distinct[0]);
            if (id % updatedEvery == 0)
            {
                Assert.Equal(["insert", "update"], distinct);
                Assert.True(actions.LastIndexOf("insert") < actions.IndexOf("update"), $"row {id}: insert before update");
            }
        }
    }

    /// <summary>Every line must be a whole JSON message: a torn line anywhere fails the test.</summary>
    private static List<JsonElement> ReadWholeLines(string path)
    {
        var messages = new List<JsonElement>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            try
            {
                using var document = JsonDocument.Parse(line);
                messages.Add(document.RootElement.Clone());
            }
            catch (JsonException e)
            {
                Assert.Fail($"line {lineNumber} of {path} is not a whole message ({e.Message}): {line[..Math.Min(line.Length, 200)]}");
            }
        }

        return messages;
    }

    private static int CountLines(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var count = 0;
        while (reader.ReadLine() is not null)
        {
            count++;
        }

        return count;
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {error}");
    }
}
