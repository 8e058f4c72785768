using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sequin.Hosting.AspNetCore.Tests.Support;
using Sequin.Sinks.Kafka;
using Sequin.TestServers;

namespace Sequin.Hosting.AspNetCore.Tests;

/// <summary>
/// Issue 29 through the routing editor (<c>POST /api/routing/run</c>): hostile functions fail their run within the
/// sandbox's limits, and the host keeps no thread for them (on main, 100 runs of an <c>Atomics.wait</c> left 95 threads
/// hanging for good).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RoutingEditorHostileFunctionTests(PostgresFixture postgres)
{
    private static readonly string[] Probes =
    [
        "function route() {\n  const ia = new Int32Array(new SharedArrayBuffer(16));\n  Atomics.wait(ia, 0, 0);\n}",
        "function route() {\n  let a = [];\n  for (let i = 0; i < 2000; i++) { a = [[[[[[[[[[[[[[[a]]]]]]]]]]]]]]]; }\n  return { topic: String(a) };\n}",
        "function route() {\n  while (true) {}\n}",
    ];

    [Fact]
    public async Task AHundredHostileRunsFailWithinTheLimitsAndLeaveNoThreadBehind()
    {
        await using var api = await ApiHost.StartWithPluginsAsync(postgres, "editor_hostile", new KafkaSink());
        await RunAsync(api, Probes[0]);
        var before = ThreadCount();

        for (var i = 0; i < 100; i++)
        {
            var run = await RunAsync(api, Probes[i % Probes.Length]).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal("failed", run.GetProperty("outcome").GetString());
            var error = run.GetProperty("error").GetString()!;
            Assert.Contains((i % Probes.Length) switch
            {
                0 => "ReferenceError: SharedArrayBuffer is not defined",
                1 => "nested more than 32 levels deep",
                _ => "(an endless loop?)",
            }, error, StringComparison.Ordinal);
            Assert.True(run.TryGetProperty("line", out var line) && line.ValueKind == JsonValueKind.Number, run.ToString());
        }

        // Each run's function threads end with it; other tests of this process may add a few threads meanwhile.
        var after = 0;
        await Eventually.UntilAsync(
            () => (after = ThreadCount()) <= before + 20,
            () => $"the thread count ({after}) is back near where it was before the 100 runs ({before})",
            TimeSpan.FromSeconds(60));
    }

    private static async Task<JsonElement> RunAsync(ApiHost api, string code)
    {
        var response = await api.Client.PostAsJsonAsync("/api/routing/run", new { type = "kafka", code });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static int ThreadCount()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Count;
    }
}
