using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;
using Xunit.Abstractions;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// The real host applies configuration changes while it streams (issue 33): a sink added through
/// <c>sequin config apply</c> starts, a changed one restarts alone and hands over what it held, a removed one stops and
/// the slot keeps advancing, while an untouched sink delivers every change once, in order, without a long gap.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class LiveConfigurationTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const string Token = "live-config-test-token-0123456789";

    /// <summary>The longest pause of the untouched sink accepted across the changes (it normally delivers every few ms).</summary>
    private static readonly TimeSpan GapBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task SinksAreAddedChangedAndRemovedLiveWhileAnUntouchedSinkKeepsDeliveringEveryChangeOnce()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "liveconf");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)");
        string File(string name) => Path.Combine(scenario.Directory, name + ".jsonl");
        var initial = WriteConfig(scenario, "initial", ("keep", File("keep")), ("bsink", File("b")));
        await using var host = SequinHostProcess.Start(initial, null, "--http-listen", "127.0.0.1:0");
        await scenario.WaitForSlotActiveAsync(host);
        var url = (await StandbyPair.HttpAddressAsync(host)).ToString();

        using var stop = new CancellationTokenSource();
        var inserted = 0;
        int firstForC, beforeRemoval, bCount;
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var id = inserted + 1;
                await scenario.ExecuteAsync($"INSERT INTO t VALUES ({id}, 'row {id}')");
                Volatile.Write(ref inserted, id);
            }
        });

        // Samples the untouched sink's file: when its count last grew, and the longest time it did not.
        var gaps = new GapMeter();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                gaps.Sample(StdoutSinkOutput.Count(File("keep")));
                await Task.Delay(20);
            }
        });

        try
        {
            await StdoutScenario.WaitForMessagesInAsync(File("keep"), 30, host);
            gaps.Start();

            // 1. A third sink is added.
            var withAdded = WriteConfig(scenario, "added", ("keep", File("keep")), ("bsink", File("b")), ("csink", File("c1")));
            var (exit, text) = await SequinHostProcess.RunToEndAsync("config", "apply", "--config", withAdded, "--plugins-dir", BuildPaths.Plugins, "--url", url);
            Assert.True(exit == 0, text);
            Assert.Contains("+ sink \"csink\"", text, StringComparison.Ordinal);
            Assert.Contains("Applied", text, StringComparison.Ordinal);
            firstForC = Volatile.Read(ref inserted) + 1;
            await StdoutScenario.WaitForMessagesInAsync(File("c1"), 20, host);

            // 2. The plan of the next change names each difference; then it is applied: csink changed, bsink removed.
            var changed = WriteConfig(scenario, "changed", ("keep", File("keep")), ("csink", File("c2")));
            (exit, text) = await SequinHostProcess.RunToEndAsync("config", "plan", "--config", changed, "--plugins-dir", BuildPaths.Plugins, "--url", url);
            Assert.True(exit == 0, text);
            Assert.Contains("~ sink \"csink\": destination.path", text, StringComparison.Ordinal);
            Assert.Contains("- sink \"bsink\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("sink \"keep\"", text, StringComparison.Ordinal);
            Assert.Equal(0, StdoutSinkOutput.Count(File("c2"))); // a plan changes nothing

            beforeRemoval = Volatile.Read(ref inserted);
            (exit, text) = await SequinHostProcess.RunToEndAsync("config", "apply", "--config", changed, "--plugins-dir", BuildPaths.Plugins, "--url", url);
            Assert.True(exit == 0, text);
            bCount = StdoutSinkOutput.Count(File("b"));
            await StdoutScenario.WaitForMessagesInAsync(File("c2"), 20, host);

            // 3. A configuration that does not validate is refused whole, with the errors `sequin validate` gives.
            var invalidPath = WriteConfig(scenario, "invalid", ("keep", File("keep")), ("csink", File("c2")), ("dsink", File("d")));
            var invalid = System.IO.File.ReadAllText(invalidPath).Replace("      path: \"" + File("d") + "\"", "      path: \"" + File("d") + "\"\n      colour: blue", StringComparison.Ordinal);
            System.IO.File.WriteAllText(invalidPath, invalid);
            (exit, text) = await SequinHostProcess.RunToEndAsync("config", "apply", "--config", Path.Combine(scenario.Directory, "invalid.yaml"), "--plugins-dir", BuildPaths.Plugins, "--url", url);
            Assert.Equal(1, exit);
            var (_, validate) = await SequinHostProcess.RunToEndAsync("validate", "--config", Path.Combine(scenario.Directory, "invalid.yaml"), "--plugins-dir", BuildPaths.Plugins);
            var error = validate.Split('\n').First(l => l.Contains("colour", StringComparison.Ordinal)).Trim();
            Assert.Contains(error, text, StringComparison.Ordinal);

            // The same through the API: refused whole (422, the errors), token and cross-site checks first.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
            using (var response = await http.SendAsync(Post(url, "api/config/apply", invalid, token: null)))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }

            using (var crossSite = Post(url, "api/config/apply", invalid, Token))
            {
                crossSite.Headers.Add("Origin", "http://evil.example");
                using var response = await http.SendAsync(crossSite);
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            }

            using (var response = await http.SendAsync(Post(url, "api/config/apply", invalid, Token)))
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
                var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                Assert.False((bool)body["applied"]!);
                Assert.Contains(body["errors"]!.AsArray(), e => ((string)e!["path"]! + ": " + (string)e!["message"]!).Contains(error, StringComparison.Ordinal));
            }

            using (var response = await http.SendAsync(Post(url, "api/config/plan", System.IO.File.ReadAllText(changed), Token)))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                Assert.Empty(body["changes"]!.AsArray()); // the running configuration is the applied one
            }

            Assert.False(System.IO.File.Exists(File("d")), "nothing of the refused configuration runs");
            var afterRefusal = StdoutSinkOutput.Count(File("keep"));
            await StdoutScenario.WaitForMessagesInAsync(File("keep"), afterRefusal + 30, host);
            gaps.Stop();
        }
        finally
        {
            await stop.CancelAsync();
            await writer.WaitAsync(TimeSpan.FromSeconds(60));
            await sampler.WaitAsync(TimeSpan.FromSeconds(60));
        }

        var total = Volatile.Read(ref inserted);
        var lastLsn = await scenario.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");
        await StdoutScenario.WaitForMessagesInAsync(File("keep"), total, host);
        await StdoutScenario.WaitForMessagesInAsync(File("c2"), 1, host);
        await Eventually.UntilAsync(
            () => Ids(File("c1")).Concat(Ids(File("c2"))).Contains(total),
            () => $"csink delivers the last row {total}; host output:\n{host.Output}");

        // The untouched sink: every change once (each row is its own group: ordered per row, spread over partitions),
        // and never a long pause.
        var keep = Ids(File("keep"));
        Assert.Equal(keep.Count, keep.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, total), keep.Order());
        output.WriteLine($"{total} rows; untouched sink's longest pause across the changes: {gaps.Longest.TotalMilliseconds:0} ms");
        Assert.True(gaps.Longest < GapBound, $"the untouched sink paused {gaps.Longest.TotalMilliseconds:0} ms");

        // The added sink delivered from its start on; across its restart nothing was lost or delivered twice.
        var c = Ids(File("c1")).Concat(Ids(File("c2"))).ToList();
        Assert.Equal(c.Distinct().Count(), c.Count);
        Assert.Equal(Enumerable.Range(c.Min(), total - c.Min() + 1), c.Order());
        Assert.True(c.Min() <= firstForC, $"csink starts with the changes after it was added (first {c.Min()}, added before {firstForC})");
        Assert.NotEmpty(Ids(File("c2")));

        // The removed sink delivered everything committed before its removal, once, and nothing since.
        var b = Ids(File("b"));
        Assert.Equal(Enumerable.Range(1, b.Count), b.Order());
        Assert.True(b.Count >= beforeRemoval, $"bsink delivered {b.Count} rows, {beforeRemoval} were committed before its removal");
        Assert.Equal(bCount, b.Count);
        Assert.True(b.Count < total, "bsink stopped");

        // The slot keeps advancing past every change.
        await Eventually.UntilAsync(
            async () => await scenario.ConfirmedFlushAsync() >= (ulong)lastLsn,
            () => $"the slot is confirmed past {lastLsn}; host output:\n{host.Output}");
        Assert.Contains("Configuration applied live", host.Output, StringComparison.Ordinal);
        Assert.Equal(0, await host.StopAsync());
    }

    [Fact]
    public async Task APausedSinkThatIsChangedHandsItsUndeliveredMessagesToItsReplacementWhichStaysPaused()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "livehand");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)");
        string File(string name) => Path.Combine(scenario.Directory, name + ".jsonl");
        var initial = WriteConfig(scenario, "initial", ("keep", File("keep")), ("csink", File("c1")));
        await using var host = SequinHostProcess.Start(initial, null, "--http-listen", "127.0.0.1:0");
        await scenario.WaitForSlotActiveAsync(host);
        var url = (await StandbyPair.HttpAddressAsync(host)).ToString();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);

        await scenario.ExecuteAsync("INSERT INTO t SELECT g, 'before' FROM generate_series(1, 5) g");
        await StdoutScenario.WaitForMessagesInAsync(File("c1"), 5, host);
        using (var paused = await http.PostAsync(new Uri(new Uri(url), "api/sinks/csink/pause"), null))
        {
            Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        }

        // Twenty changes, one transaction each, are held by the paused sink (the untouched one delivers them).
        for (var id = 6; id <= 25; id++)
        {
            await scenario.ExecuteAsync($"INSERT INTO t VALUES ({id}, 'held')");
        }

        await StdoutScenario.WaitForMessagesInAsync(File("keep"), 25, host);
        var changed = WriteConfig(scenario, "changed", ("keep", File("keep")), ("csink", File("c2")));
        var (exit, text) = await SequinHostProcess.RunToEndAsync("config", "apply", "--config", changed, "--plugins-dir", BuildPaths.Plugins, "--url", url);
        Assert.True(exit == 0, text);
        Assert.Contains("20 undelivered message(s) handed over", host.Output, StringComparison.Ordinal);

        // The replacement is paused too: it delivers nothing until resumed, then the handed-over changes first.
        var detail = JsonNode.Parse(await http.GetStringAsync(new Uri(new Uri(url), "api/sinks/csink")))!;
        Assert.Contains("paused", detail.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(0, StdoutSinkOutput.Count(File("c2")));
        using (var resumed = await http.PostAsync(new Uri(new Uri(url), "api/sinks/csink/resume"), null))
        {
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        }

        await scenario.ExecuteAsync("INSERT INTO t SELECT g, 'after' FROM generate_series(26, 30) g");
        await StdoutScenario.WaitForMessagesInAsync(File("c2"), 25, host);
        var lastLsn = await scenario.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");
        Assert.Equal(Enumerable.Range(1, 5), Ids(File("c1")).Order());
        var c2 = Ids(File("c2"));
        Assert.Equal(Enumerable.Range(6, 25), c2.Order());
        Assert.Equal(c2.Count, c2.Distinct().Count());
        await Eventually.UntilAsync(
            async () => await scenario.ConfirmedFlushAsync() >= (ulong)lastLsn,
            () => $"the slot is confirmed past {lastLsn}; host output:\n{host.Output}");
        Assert.Equal(0, await host.StopAsync());
    }

    [Fact]
    public async Task SighupAppliesTheEditedFileAndWithWatchConfigSavingTheFileIsEnough()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "livesig");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)");
        string File(string name) => Path.Combine(scenario.Directory, name + ".jsonl");
        var config = WriteConfig(scenario, "sequin", ("keep", File("keep")));
        await using var host = SequinHostProcess.Start(config, null, "--watch-config");
        await scenario.WaitForSlotActiveAsync(host);

        // SIGHUP reads the file again and applies it; the process goes on.
        WriteConfig(scenario, "sequin", ("keep", File("keep")), ("hup", File("hup")));
        using (var kill = Process.Start("kill", ["-HUP", host.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await host.WaitForOutputAsync("Sink hup started", TimeSpan.FromSeconds(60));
        await scenario.ExecuteAsync("INSERT INTO t VALUES (1, 'a')");
        await StdoutScenario.WaitForMessagesInAsync(File("hup"), 1, host);

        // --watch-config: saving the file applies it (an invalid save is refused and logged, the running one stays).
        System.IO.File.WriteAllText(config, System.IO.File.ReadAllText(config) + "  - name: broken\n");
        await host.WaitForOutputAsync("was not applied, the running one stays", TimeSpan.FromSeconds(60));
        WriteConfig(scenario, "sequin", ("keep", File("keep")), ("watched", File("watched")));
        await host.WaitForOutputAsync("Sink watched started", TimeSpan.FromSeconds(60));
        await scenario.ExecuteAsync("INSERT INTO t VALUES (2, 'b')");
        await StdoutScenario.WaitForMessagesInAsync(File("watched"), 1, host);
        await StdoutScenario.WaitForMessagesInAsync(File("keep"), 2, host);
        Assert.Equal([1], Ids(File("hup"))); // removed by the last save: it got nothing after it
        Assert.False(host.HasExited);
        Assert.Equal(0, await host.StopAsync());
    }

    private static List<int> Ids(string path) => StdoutSinkOutput.Read(path).Select(m => (int)m["record"]!["id"]!).ToList();

    private static HttpRequestMessage Post(string url, string path, string yaml, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(url), path)) { Content = new StringContent(yaml, Encoding.UTF8, "application/yaml") };
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static string WriteConfig(StdoutScenario scenario, string name, params (string Name, string Path)[] sinks)
    {
        var yaml = new StringBuilder(scenario.DatabasesSection);
        yaml.Append("http:\n  listen: \"127.0.0.1:0\"\n  token: \"").Append(Token).Append("\"\n");
        yaml.Append("sinks:\n");
        foreach (var (sink, path) in sinks)
        {
            yaml.Append("  - name: ").Append(sink).Append("\n    database: db\n    destination:\n      type: stdout\n      path: \"").Append(path).Append("\"\n");
        }

        var file = Path.Combine(scenario.Directory, name + ".yaml");
        System.IO.File.WriteAllText(file, yaml.ToString());
        return file;
    }

    /// <summary>The longest time between two increases of a sampled count, between <see cref="Start"/> and <see cref="Stop"/>.</summary>
    private sealed class GapMeter
    {
        private readonly Lock _lock = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _last = -1;
        private TimeSpan _lastGrowth;
        private bool _measuring;

        public TimeSpan Longest { get; private set; }

        public void Start()
        {
            lock (_lock)
            {
                _measuring = true;
                _lastGrowth = _clock.Elapsed;
            }
        }

        public void Stop()
        {
            lock (_lock)
            {
                Sample(_last);
                _measuring = false;
            }
        }

        public void Sample(int count)
        {
            lock (_lock)
            {
                var now = _clock.Elapsed;
                if (_measuring && now - _lastGrowth > Longest)
                {
                    Longest = now - _lastGrowth;
                }

                if (count > _last)
                {
                    _last = count;
                    _lastGrowth = now;
                }
            }
        }
    }
}
