using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Sequin.Benchmarks.EndToEnd;
using Sequin.Benchmarks.NullSink;
using Sequin.Configuration;
using Sequin.Hosting;
using Sequin.Sinks;
using Sequin.Sinks.Kafka;
using Sequin.Sinks.Stdout;
using Sequin.TestServers;

// End-to-end benchmark. Expects a running PostgreSQL (wal_level=logical) and optionally a Kafka broker (`--kafka <hosts>`,
// or `--kafka mock` for librdkafka's mock cluster in a child process); bench/run.sh starts PostgreSQL and calls this. Prints a markdown report and writes it to --report.
if (args is [KafkaMockProcess.ServeArgument])
{
    await KafkaMockProcess.ServeAsync();
    return;
}

var options = BenchOptions.Parse(args);

// `--kafka mock`: librdkafka's mock cluster, from the librdkafka.redist the Kafka sink ships with, in a process of its own.
await using var kafkaMock = options.Kafka == "mock" ? await KafkaMockProcess.StartAsync(CancellationToken.None) : null;
if (kafkaMock is not null)
{
    options = options with { Kafka = kafkaMock.BootstrapServers };
}

// The webhook sink's receiver: Kestrel on a free loopback port in this process, answering 200 without recording
// (`--webhook none` leaves the webhook rows out).
await using var webhookReceiver = options.Webhook ? await Sequin.TestServers.WebhookReceiver.StartAsync() : null;
if (webhookReceiver is not null)
{
    webhookReceiver.Record = false;
    options = options with { WebhookUrl = webhookReceiver.Url.ToString() };
}

// `--rabbitmq local`: a RabbitMQ broker (Debian's rabbitmq-server, tests/Sequin.TestServers' RabbitMqServer) on free
// loopback ports, with a durable queue bound to amq.fanout that keeps its newest 100,000 messages (persistent messages
// reach the disk before the broker confirms them, as in production; the queue does not grow without bound).
await using var rabbitMq = options.RabbitMq ? await Sequin.TestServers.RabbitMqServer.StartAsync() : null;
if (rabbitMq is not null)
{
    await using (var connection = await rabbitMq.ConnectAsync())
    {
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("bench", durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-max-length"] = 100_000, ["x-overflow"] = "drop-head" });
        await channel.QueueBindAsync("bench", "amq.fanout", string.Empty);
    }

    options = options with { RabbitMqServer = rabbitMq };
}

// `--redis local`: a redis-server (Debian's, tests/Sequin.TestServers' RedisServer) on a free loopback port, for the
// redis_stream row: XADD per message in one pipelined round trip per batch, the stream trimmed to ~100,000 entries.
await using var redis = options.Redis ? await Sequin.TestServers.RedisServer.StartAsync("bench-redis-pw") : null;
if (redis is not null)
{
    options = options with { RedisServer = redis };
}

// `--nats local`: a nats-server with JetStream (tests/Sequin.TestServers' NatsServer) on a free loopback port, with a
// stream capturing the sink's default subjects (sequin.>) that keeps its newest 100,000 messages: every publish is
// acknowledged by JetStream (stored) before it counts as delivered.
await using var nats = options.Nats ? await Sequin.TestServers.NatsServer.StartAsync("bench", "bench-nats-pw") : null;
if (nats is not null)
{
    await using (var connection = await nats.ConnectAsync())
    {
        await new NATS.Client.JetStream.NatsJSContext(connection).CreateStreamAsync(
            new NATS.Client.JetStream.Models.StreamConfig("BENCH", ["sequin.>"]) { MaxMsgs = 100_000 });
    }

    options = options with { NatsServer = nats };
}

var inv = CultureInfo.InvariantCulture;
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
var ct = cts.Token;

var adminCs = $"Host=127.0.0.1;Port={options.PgPort};Username=postgres;Database=postgres;Pooling=false";
await using (var admin = NpgsqlDataSource.Create(adminCs))
{
    var exists = await Workload.ScalarAsync<long>(admin, "SELECT count(*) FROM pg_database WHERE datname = 'bench'", ct);
    if (exists == 0)
    {
        await Workload.ExecAsync(admin, "CREATE DATABASE bench", ct);
    }
}

// The postgres sink's target: a second database on the same server (`--postgres none` leaves the postgres row out).
if (options.Postgres)
{
    await using var admin = NpgsqlDataSource.Create(adminCs);
    if (await Workload.ScalarAsync<long>(admin, "SELECT count(*) FROM pg_database WHERE datname = 'bench_copy'", ct) == 0)
    {
        await Workload.ExecAsync(admin, "CREATE DATABASE bench_copy", ct);
    }
}

var cs = $"Host=127.0.0.1;Port={options.PgPort};Username=postgres;Database=bench;Timeout=30;Command Timeout=0";
await using var db = NpgsqlDataSource.Create(cs);
await Workload.SetupAsync(db, ct);

var report = new Report(options);
var plugins = new SinkPluginCatalog([new NullSinkPlugin(), new StdoutSink(), new KafkaSink(), new Sequin.Sinks.Webhook.WebhookSink(), new Sequin.Sinks.RabbitMq.RabbitMqSink(), new Sequin.Sinks.Redis.RedisStreamSink(), new Sequin.Sinks.Nats.NatsSink(), new Sequin.Sinks.Postgres.PostgresSink()]);
Log($"PostgreSQL {await Workload.ScalarAsync<string>(db, "SHOW server_version", ct)} on port {options.PgPort}; Kafka: {options.Kafka ?? "(none)"}");

var phases = new List<(string Label, long Changes, int Pad, int TxnSize)> { ("~200 B rows", options.Changes, 2, options.TxnSize) };
if (options.LargeChanges > 0)
{
    phases.Add(("~1.6 KB rows", options.LargeChanges, 32, options.TxnSize));
}

if (options.OltpChanges > 0)
{
    // The OLTP shape: every change its own transaction (BEGIN, one row, COMMIT in the WAL), with its own ceiling.
    phases.Add(("~200 B rows, 1 change per transaction", options.OltpChanges, 2, 1));
}

double nullStaticRate = 0;
double ceilingSmall = 0;
foreach (var (label, changes, pad, txnSize) in phases)
{
    var oltp = txnSize == 1;
    var scenarios = new List<Scenario> { new("null, static routing", "null", Dynamic: false) };
    if (!oltp)
    {
        scenarios.Add(new Scenario("null, dynamic routing (JS)", "null", Dynamic: true));
        scenarios.Add(new Scenario("stdout to a file", "stdout", Dynamic: false));
        if (options.HostDll is not null && pad == 2)
        {
            scenarios.Add(new Scenario("`sequin run` process, stdout plugin", "process", Dynamic: false));
        }
    }

    if (options.Kafka is not null)
    {
        scenarios.Add(new Scenario("kafka (mock broker)", "kafka", Dynamic: false));
        if (pad == 2 && !oltp)
        {
            scenarios.Add(new Scenario("kafka, dynamic routing (JS)", "kafka", Dynamic: true));
        }
    }

    if (options.WebhookUrl is not null && pad == 2 && !oltp)
    {
        scenarios.Add(new Scenario("webhook, batch (local Kestrel)", "webhook", Dynamic: false));
        scenarios.Add(new Scenario("webhook, one request per message (local Kestrel)", "webhook-single", Dynamic: false));
    }

    if (options.RabbitMqServer is not null && pad == 2 && !oltp)
    {
        scenarios.Add(new Scenario("rabbitmq, publisher confirms (local broker)", "rabbitmq", Dynamic: false));
    }

    if (options.RedisServer is not null && pad == 2 && !oltp)
    {
        scenarios.Add(new Scenario("redis_stream, pipelined XADD (local redis-server)", "redis_stream", Dynamic: false));
    }

    if (options.NatsServer is not null && pad == 2 && !oltp)
    {
        scenarios.Add(new Scenario("nats, JetStream acks (local nats-server)", "nats", Dynamic: false));
    }

    if (options.Postgres && pad == 2 && !oltp)
    {
        // Upserts into a copy of the table in a second database of the same server (created by create_tables).
        scenarios.Add(new Scenario("postgres (second database, same server)", "postgres", Dynamic: false));
    }

    scenarios = [.. scenarios.Where(s => options.Only is null || s.Label.Contains(options.Only, StringComparison.OrdinalIgnoreCase))];
    if (scenarios.Count == 0)
    {
        continue; // --only picked none of these (e.g. --only backfill)
    }

    Log($"== {label}: {changes:N0} changes in transactions of {txnSize}");
    await Workload.ResetAsync(db, 10_000, pad, ct);
    var rowBytes = await Workload.ScalarAsync<decimal>(db, "SELECT round(avg(pg_column_size(t.*))) FROM benchmark_records t", ct);
    Log($"average row size {rowBytes} bytes");

    // Warm-up (first phase only): every scenario once over a small burst, unmeasured, so that the measured bursts run
    // JIT-compiled (tier-1) code as a long-running service does, not the first seconds of a fresh process.
    if (options.WarmupChanges > 0 && pad == 2 && !oltp)
    {
        var warmSlots = scenarios.Select((_, i) => $"s_warm_{i}").ToList();
        foreach (var slot in warmSlots)
        {
            await DropSlotAsync(db, slot, ct);
            await Workload.ExecAsync(db, $"SELECT pg_create_logical_replication_slot('{slot}', 'pgoutput')", ct);
        }

        await Workload.RunAsync(db, options.WarmupChanges, options.TxnSize, pad, ct);
        for (var i = 0; i < scenarios.Count; i++)
        {
            if (scenarios[i].Sink == "process")
            {
                await DropSlotAsync(db, warmSlots[i], ct);
                continue; // a fresh process each time: nothing to warm
            }

            var warm = await Burst.RunAsync(options, plugins, scenarios[i], warmSlots[i], options.WarmupChanges, ct);
            Log($"warm-up {scenarios[i].Label}: {options.WarmupChanges / warm.Elapsed.TotalSeconds:N0} changes/s (not reported)");
            await DropSlotAsync(db, warmSlots[i], ct);
        }
    }

    // One slot per reader, all created before the WAL is written so that each reads the same burst. Each scenario is
    // preceded by its own ceiling read (pg_recvlogical on its own slot), so that a ratio compares two reads made
    // seconds apart: on a shared machine the load drifts over a run.
    var slots = new List<string>();
    for (var i = 0; i < scenarios.Count; i++)
    {
        slots.Add($"s_ceiling_{i}");
        if (scenarios[i].Sink == "process")
        {
            // The process runs in rounds, each paired with an in-process stdout burst right before it.
            for (var r = 0; r < options.ProcessRounds; r++)
            {
                slots.Add($"s_pair_stdout_{r}");
                slots.Add($"s_pair_process_{r}");
            }
        }
        else
        {
            slots.Add($"s_bench_{i}");
        }
    }

    foreach (var slot in slots)
    {
        await DropSlotAsync(db, slot, ct);
        await Workload.ExecAsync(db, $"SELECT pg_create_logical_replication_slot('{slot}', 'pgoutput')", ct);
    }

    var write = Stopwatch.StartNew();
    await Workload.RunAsync(db, changes, txnSize, pad, ct);
    var endLsn = await Workload.ScalarAsync<string>(db, "SELECT pg_current_wal_lsn()::text", ct);
    await Workload.ExecAsync(db, "INSERT INTO bench_marker VALUES (1)", ct); // WAL past endLsn, so pg_recvlogical stops.
    var walBytes = await Workload.ScalarAsync<decimal>(db, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) FROM pg_replication_slots WHERE slot_name = 's_ceiling_0'", ct);
    Log($"wrote {changes:N0} changes in {write.Elapsed.TotalSeconds:F1} s ({changes / write.Elapsed.TotalSeconds:N0}/s), WAL {walBytes / 1048576m:N0} MiB");

    for (var i = 0; i < scenarios.Count; i++)
    {
        var scenario = scenarios[i];
        var ceiling = await Ceiling.RunAsync(options, endLsn, $"s_ceiling_{i}", ct);
        var ceilingRate = changes / ceiling.TotalSeconds;
        Log($"ceiling (pg_recvlogical, pgoutput): {ceiling.TotalSeconds:F2} s = {ceilingRate:N0} changes/s");
        report.AddCeiling($"{label}, before {scenario.Label}", rowBytes, changes, ceiling, ceilingRate);
        await DropSlotAsync(db, $"s_ceiling_{i}", ct);
        if (pad == 2 && !oltp)
        {
            ceilingSmall = Math.Max(ceilingSmall, ceilingRate);
        }

        var slot = $"s_bench_{i}";
        if (scenario.Sink == "process")
        {
            // Rounds of (in-process stdout burst, then the process) over the same WAL, back to back: on this shared
            // machine one pair's ratio moved by ±0.15 between runs; the round with the median ratio is reported.
            var rounds = new List<(HostProcessResult Process, double StdoutRate)>();
            for (var r = 0; r < options.ProcessRounds; r++)
            {
                var inProcess = await Burst.RunAsync(options, plugins, new Scenario("stdout to a file", "stdout", Dynamic: false), $"s_pair_stdout_{r}", changes, ct);
                await DropSlotAsync(db, $"s_pair_stdout_{r}", ct);
                var pairedStdout = changes / inProcess.Elapsed.TotalSeconds;
                var process = await HostProcessBurst.RunAsync(options, $"s_pair_process_{r}", changes, ct);
                await DropSlotAsync(db, $"s_pair_process_{r}", ct);
                var whole = changes / process.Elapsed.TotalSeconds;
                var afterFirst = changes / (process.Elapsed - process.FirstLine).TotalSeconds;
                Log($"{scenario.Label}, round {r + 1}: in-process stdout {pairedStdout:N0} changes/s, then the process {process.Elapsed.TotalSeconds:F2} s = {whole:N0} changes/s from process start ({afterFirst:N0}/s after the first line at {process.FirstLine.TotalSeconds:F2} s), {whole / ceilingRate:P0} of ceiling, {whole / pairedStdout:P0} of in-process stdout, peak RSS {process.PeakRssMb:N0} MB, CPU {process.CpuSeconds:F1} s");
                rounds.Add((process, pairedStdout));
            }

            double Ratio((HostProcessResult Process, double StdoutRate) x) => changes / x.Process.Elapsed.TotalSeconds / x.StdoutRate;
            var median = rounds.OrderBy(Ratio).ElementAt(rounds.Count / 2);
            report.AddProcess(label, scenario, changes, median.Process, ceilingRate, median.StdoutRate, [.. rounds.Select(Ratio)]);
            continue;
        }

        var result = await Burst.RunAsync(options, plugins, scenario, slot, changes, ct);
        var rate = changes / result.Elapsed.TotalSeconds;
        Log($"{scenario.Label}: {result.Elapsed.TotalSeconds:F2} s = {rate:N0} changes/s, {rate / ceilingRate:P0} of ceiling, peak RSS {result.PeakRssMb:N0} MB, CPU {result.CpuSeconds:F1} s, {result.AverageBatch:F1} messages per batch, {result.AllocatedPerChange / 1024:F1} KB allocated per change, GCs {result.Gen0}/{result.Gen1}/{result.Gen2}");
        report.AddBurst(label, scenario, changes, result, rate, ceilingRate);
        if (pad == 2 && !oltp && scenario.Sink == "null" && !scenario.Dynamic)
        {
            nullStaticRate = rate;
        }

        await DropSlotAsync(db, slot, ct);
    }
}

// Backfill: rows/s of a backfill into the null sink (and Kafka) against COPY of the same table, in the same run.
if (options.BackfillRows > 0 && (options.Only is null || "backfill".Contains(options.Only, StringComparison.OrdinalIgnoreCase)))
{
    Log($"== backfill: {options.BackfillRows:N0} rows of ~200 B");
    foreach (var result in await BackfillBench.RunAsync(options, plugins, db, ct))
    {
        report.AddBackfill(result);
    }
}

// Steady load at about half the saturated rate, null sink: commit timestamp -> sink acknowledgement.
if (options.LatencySeconds > 0 && (options.Only is null || "latency".Contains(options.Only, StringComparison.OrdinalIgnoreCase)))
{
    // At a quarter and at half of the saturated rate (the lower of null static and its ceiling), or at --latency-rate.
    var saturated = nullStaticRate > 0 ? Math.Min(nullStaticRate, ceilingSmall > 0 ? ceilingSmall : nullStaticRate) : 20_000;
    double[] rates = options.LatencyRate is { } fixedRate ? [fixedRate] : [Math.Round(saturated / 4 / 100) * 100, Math.Round(saturated / 2 / 100) * 100];
    foreach (var rate in rates)
    {
        Log($"== latency: {rate:N0} changes/s for {options.LatencySeconds} s, null sink, ~200 B rows");
        await Workload.ResetAsync(db, 10_000, 2, ct);
        var latency = await Latency.RunAsync(options, plugins, db, rate, ct);
        report.AddLatency(rate, saturated, latency);
        Log($"latency: sent {latency.Sent:N0}, p50 {latency.P50Ms:F1} ms, p99 {latency.P99Ms:F1} ms, max {latency.MaxMs:F1} ms");
    }
}

var text = report.ToMarkdown();
Console.WriteLine();
Console.WriteLine(text);
if (options.ReportPath is not null)
{
    await File.WriteAllTextAsync(options.ReportPath, text, ct);
    Log($"report written to {options.ReportPath}");
}

static async Task DropSlotAsync(NpgsqlDataSource db, string slot, CancellationToken ct)
{
    for (var attempt = 0; ; attempt++)
    {
        try
        {
            await Workload.ExecAsync(db, $"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{slot}'", ct);
            return;
        }
        catch (PostgresException e) when (e.SqlState == "55006" && attempt < 50)
        {
            await Task.Delay(200, ct); // still active: the walsender is going away
        }
    }
}

static void Log(string message) =>
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.Now:HH:mm:ss}] {message}"));

internal sealed record Scenario(string Label, string Sink, bool Dynamic);

internal sealed record BenchOptions
{
    public int PgPort { get; init; } = 5432;
    public string? Kafka { get; init; }
    public long Changes { get; init; } = 1_000_000;
    public long LargeChanges { get; init; } = -1;
    public long OltpChanges { get; init; } = -1;
    public string? HostDll { get; init; }
    public int TxnSize { get; init; } = 100;
    public long WarmupChanges { get; init; } = 50_000;
    public long BackfillRows { get; init; } = 500_000;
    public int BackfillRounds { get; init; } = 3;
    public int ProcessRounds { get; init; } = 3;
    public int LatencySeconds { get; init; } = 30;
    public double? LatencyRate { get; init; }
    public string WorkDir { get; init; } = Path.Combine(Path.GetTempPath(), "sequin-bench");
    public string? ReportPath { get; init; }
    public string Commit { get; init; } = "unknown";
    public string? Only { get; init; }
    public string PgBin { get; init; } = "/usr/lib/postgresql/15/bin";
    public bool Webhook { get; init; } = true;
    public bool Postgres { get; init; } = true;
    public string? WebhookUrl { get; init; }
    public bool RabbitMq { get; init; }
    public Sequin.TestServers.RabbitMqServer? RabbitMqServer { get; init; }
    public bool Redis { get; init; }
    public Sequin.TestServers.RedisServer? RedisServer { get; init; }
    public bool Nats { get; init; }
    public Sequin.TestServers.NatsServer? NatsServer { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            var inv = CultureInfo.InvariantCulture;
            o = args[i] switch
            {
                "--pg-port" => o with { PgPort = int.Parse(Next(), inv) },
                "--kafka" => o with { Kafka = Next() is var k && k != "none" ? k : null },
                "--changes" => o with { Changes = long.Parse(Next(), inv) },
                "--large-changes" => o with { LargeChanges = long.Parse(Next(), inv) },
                "--oltp-changes" => o with { OltpChanges = long.Parse(Next(), inv) },
                "--host" => o with { HostDll = Next() },
                "--warmup-changes" => o with { WarmupChanges = long.Parse(Next(), inv) },
                "--backfill-rows" => o with { BackfillRows = long.Parse(Next(), inv) },
                "--backfill-rounds" => o with { BackfillRounds = Math.Max(1, int.Parse(Next(), inv)) },
                "--process-rounds" => o with { ProcessRounds = Math.Max(1, int.Parse(Next(), inv)) },
                "--txn-size" => o with { TxnSize = int.Parse(Next(), inv) },
                "--latency-seconds" => o with { LatencySeconds = int.Parse(Next(), inv) },
                "--latency-rate" => o with { LatencyRate = double.Parse(Next(), inv) },
                "--work" => o with { WorkDir = Next() },
                "--report" => o with { ReportPath = Next() },
                "--commit" => o with { Commit = Next() },
                "--only" => o with { Only = Next() },
                "--pg-bin" => o with { PgBin = Next() },
                "--webhook" => o with { Webhook = Next() != "none" },
                "--rabbitmq" => o with { RabbitMq = Next() == "local" },
                "--redis" => o with { Redis = Next() == "local" },
                "--nats" => o with { Nats = Next() == "local" },
                "--postgres" => o with { Postgres = Next() != "none" },
                _ => throw new ArgumentException($"Unknown argument {args[i]}"),
            };
        }

        if (o.LargeChanges < 0)
        {
            o = o with { LargeChanges = Math.Min(o.Changes, 200_000) };
        }

        if (o.OltpChanges < 0)
        {
            o = o with { OltpChanges = Math.Min(o.Changes, 100_000) };
        }

        Directory.CreateDirectory(o.WorkDir);
        return o;
    }
}

/// <summary>Builds the in-memory configuration of one sink reading one slot.</summary>
internal static class BenchConfig
{
    public const string RoutingFunction = """
        function route(action, record, changes, metadata) {
          var name = 'sequin.' + metadata.table_schema + '.' + metadata.table_name;
          if (action === 'delete') { name = name + '.deleted'; }
          return { KEYNAME: name, message_key: String(record.id) };
        }
        """;

    public static SequinConfig Build(BenchOptions options, ISinkPluginCatalog plugins, Scenario scenario, string slot, string? stdoutPath)
    {
        var values = new Dictionary<string, string?>
        {
            ["databases:0:name"] = "bench",
            ["databases:0:hostname"] = "127.0.0.1",
            ["databases:0:port"] = options.PgPort.ToString(CultureInfo.InvariantCulture),
            ["databases:0:database"] = "bench",
            ["databases:0:username"] = "postgres",
            ["databases:0:slot:name"] = slot,
            ["databases:0:publication:name"] = Workload.Publication,
            ["sinks:0:name"] = "bench-" + scenario.Sink,
            ["sinks:0:database"] = "bench",
            ["sinks:0:source:include_tables:0"] = "public." + Workload.Table,
            ["sinks:0:destination:type"] = scenario.Sink.StartsWith("webhook", StringComparison.Ordinal) ? "webhook" : scenario.Sink,
        };
        var key = scenario.Sink == "kafka" ? "topic" : "destination";
        switch (scenario.Sink)
        {
            case "null":
                values["sinks:0:destination:destination"] = "bench";
                if (Environment.GetEnvironmentVariable("BENCH_NULL_CONCURRENCY") is { Length: > 0 } concurrency)
                {
                    values["sinks:0:destination:max_concurrent_batches"] = concurrency;
                }

                break;
            case "stdout":
                values["sinks:0:destination:path"] = stdoutPath;
                break;
            case "kafka":
                values["sinks:0:destination:hosts"] = options.Kafka;
                values["sinks:0:destination:topic"] = "bench";
                break;
            case "webhook" or "webhook-single":
                values["sinks:0:destination:url"] = options.WebhookUrl;
                values["sinks:0:destination:batch"] = scenario.Sink == "webhook" ? "true" : "false";
                break;
            case "redis_stream":
                values["sinks:0:destination:host"] = "127.0.0.1";
                values["sinks:0:destination:port"] = options.RedisServer!.Port.ToString(CultureInfo.InvariantCulture);
                values["sinks:0:destination:password"] = options.RedisServer.Password;
                values["sinks:0:destination:stream_key"] = "bench";
                values["sinks:0:destination:max_len"] = "100000";
                break;
            case "nats":
                values["sinks:0:destination:host"] = "127.0.0.1";
                values["sinks:0:destination:port"] = options.NatsServer!.Port.ToString(CultureInfo.InvariantCulture);
                values["sinks:0:destination:username"] = options.NatsServer.User;
                values["sinks:0:destination:password"] = options.NatsServer.Password;
                break;
            case "rabbitmq":
                values["sinks:0:destination:host"] = "127.0.0.1";
                values["sinks:0:destination:port"] = options.RabbitMqServer!.Port.ToString(CultureInfo.InvariantCulture);
                values["sinks:0:destination:username"] = options.RabbitMqServer.User;
                values["sinks:0:destination:password"] = options.RabbitMqServer.Password;
                values["sinks:0:destination:exchange"] = "amq.fanout";
                break;
            case "postgres":
                values["sinks:0:destination:hostname"] = "127.0.0.1";
                values["sinks:0:destination:port"] = options.PgPort.ToString(CultureInfo.InvariantCulture);
                values["sinks:0:destination:database"] = "bench_copy";
                values["sinks:0:destination:ssl_mode"] = "disable";
                values["sinks:0:destination:create_tables"] = "true";
                break;
        }

        if (Environment.GetEnvironmentVariable("BENCH_MAX_MEMORY_MB") is { Length: > 0 } maxMemory)
        {
            values["sinks:0:max_memory_mb"] = maxMemory;
        }

        if (scenario.Dynamic)
        {
            values.Remove(scenario.Sink == "kafka" ? "sinks:0:destination:topic" : "sinks:0:destination:destination");
            values["functions:0:name"] = "bench-route";
            values["functions:0:type"] = "routing";
            values["functions:0:sink_type"] = scenario.Sink;
            values["functions:0:code"] = RoutingFunction.Replace("KEYNAME", key, StringComparison.Ordinal);
            values["sinks:0:routing"] = "bench-route";
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var result = SequinConfigLoader.Load(configuration, plugins, options.WorkDir);
        if (!result.IsValid)
        {
            throw new InvalidOperationException("Invalid benchmark config: " + string.Join("; ", result.Errors.Select(e => e.ToString())));
        }

        return result.Config!;
    }
}

internal sealed class EmptyServices : IServiceProvider
{
    public static readonly EmptyServices Instance = new();

    public object? GetService(Type serviceType) => null;
}

/// <summary>The report: one markdown section per run.</summary>
internal sealed class Report(BenchOptions options)
{
    private readonly StringBuilder _ceilings = new();
    private readonly StringBuilder _bursts = new();
    private readonly StringBuilder _latency = new();
    private readonly StringBuilder _process = new();
    private readonly StringBuilder _backfills = new();
    private readonly string _loadStart = ReadLoad();

    public void AddCeiling(string label, decimal rowBytes, long changes, TimeSpan elapsed, double rate) =>
        _ceilings.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {rowBytes} B | {changes:N0} | {elapsed.TotalSeconds:F2} s | {rate:N0} |"));

    public void AddBurst(string label, Scenario scenario, long changes, BurstResult r, double rate, double ceiling) =>
        _bursts.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {scenario.Label} | {changes:N0} | {r.Elapsed.TotalSeconds:F2} s | {rate:N0} | {ceiling:N0} | **{rate / ceiling:F2}** | {r.PeakRssMb:N0} MB | {r.CpuSeconds:F1} s | {r.FirstDelivery.TotalSeconds:F2} s | {r.AverageBatch:F1} | {r.AllocatedPerChange / 1024:F1} KB | {r.Gen0}/{r.Gen1}/{r.Gen2} |"));

    public void AddLatency(double rate, double saturated, LatencyResult r) =>
        _latency.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {rate:N0}/s ({rate / saturated:P0} of {saturated:N0}/s) | {r.Seconds} s | {r.Sent:N0} | {r.Samples:N0} | {r.P50Ms:F1} ms | {r.P90Ms:F1} ms | {r.P99Ms:F1} ms | {r.MaxMs:F1} ms | {r.AchievedRate:N0}/s |"));

    public void AddProcess(string label, Scenario scenario, long changes, HostProcessResult r, double ceiling, double inProcessStdout, IReadOnlyList<double> roundRatios) =>
        _process.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {scenario.Label} | {changes:N0} | {r.Elapsed.TotalSeconds:F2} s | {changes / r.Elapsed.TotalSeconds:N0} | {r.FirstLine.TotalSeconds:F2} s | {changes / (r.Elapsed - r.FirstLine).TotalSeconds:N0} | {ceiling:N0} | {changes / r.Elapsed.TotalSeconds / ceiling:F2} | {inProcessStdout:N0} | **{changes / r.Elapsed.TotalSeconds / inProcessStdout:F2}** | {string.Join(", ", roundRatios.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))} | {r.PeakRssMb:N0} MB | {r.CpuSeconds:F1} s |"));

    public void AddBackfill(BackfillResult r) =>
        _backfills.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Sink} | {r.Rows:N0} | {r.Elapsed.TotalSeconds:F2} s | {r.RowsPerSecond:N0} | {r.CopyRowsPerSecond:N0} | **{r.RowsPerSecond / r.CopyRowsPerSecond:F2}** | {r.PeakRssMb:N0} MB | {r.CpuSeconds:F1} s | {r.AllocatedBytesPerRow:N0} B | {r.Gcs} | {string.Join(", ", r.Ratios.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))} |"));

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"### Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, commit `{options.Commit}`");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Machine: {Environment.ProcessorCount} cores ({CpuModel()}), {MemTotal()} memory (`/proc/meminfo`), {Environment.OSVersion}, .NET {Environment.Version}.");
        sb.AppendLine(inv, $"- Load average (`/proc/loadavg`) at start: {_loadStart}; at end: {ReadLoad()}.");
        sb.AppendLine(inv, $"- Workload: mixed 60 % insert / 30 % update / 10 % delete in transactions of {options.TxnSize} changes (the OLTP phase: 1), WAL written first, then each reader started on its own slot; every scenario ran once over a {options.WarmupChanges:N0}-change burst first (warm-up, not reported). Sequin runs in-process (the benchmark process); peak RSS is that process's `VmHWM`, reset before each burst.");
        sb.AppendLine();
        sb.AppendLine("Ceiling: `pg_recvlogical` with pgoutput (`proto_version=1`, the same publication) to /dev/null on its own slot, read once right before each scenario (one row per scenario, in order).");
        sb.AppendLine();
        sb.AppendLine("| rows | avg row | changes | time | changes/s |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        sb.Append(_ceilings);
        sb.AppendLine();
        sb.AppendLine("Burst throughput: from starting `SequinRuntime` to the sink's acknowledgement of the last change (consumer's delivered counter).");
        sb.AppendLine();
        sb.AppendLine("| rows | sink | changes | time | changes/s | ceiling just before | ratio to ceiling | peak RSS | CPU time | first delivery after | avg batch | allocated per change | GCs gen0/1/2 |");
        sb.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        sb.Append(_bursts);
        if (_process.Length > 0)
        {
            sb.AppendLine();
            sb.AppendLine(inv, $"The real `sequin run` process (a fresh `dotnet sequin.dll run --config sequin.yaml`, the stdout sink from its `plugins/` folder, writing to a file): from process start to the last line in the file; its peak RSS is the process's own `VmHWM`. {options.ProcessRounds} rounds, each an in-process stdout burst then the process, back to back over the same WAL; the round with the median ratio to its in-process burst is shown.");
            sb.AppendLine();
            sb.AppendLine("| rows | scenario | changes | time from start | changes/s | first line after | changes/s after first line | ceiling before the rounds | ratio to ceiling | in-process stdout of the round | ratio to in-process stdout | every round's ratio | peak RSS | CPU time |");
            sb.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |");
            sb.Append(_process);
        }

        if (_backfills.Length > 0)
        {
            sb.AppendLine();
            sb.AppendLine(inv, $"Backfill (~200 B rows, default backfill options): from creating the backfill to the sink's acknowledgement of the last `read`, against `COPY (SELECT * FROM benchmark_records) TO STDOUT` of the same table read right before (warm cache); {options.BackfillRounds} rounds of COPY then backfill per sink, the round with the median ratio shown.");
            sb.AppendLine();
            sb.AppendLine("| sink | rows | time | rows/s | COPY rows/s | ratio to COPY | peak RSS | CPU time | allocated per row | GCs gen0/1/2 | every round's ratio |");
            sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
            sb.Append(_backfills);
        }

        if (_latency.Length > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Latency under steady load (null sink, ~200 B rows, one transaction every 10 ms): `metadata.commit_timestamp` to the sink's acknowledgement of the batch.");
            sb.AppendLine();
            sb.AppendLine("| load | duration | changes | samples | p50 | p90 | p99 | max | achieved load |");
            sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            sb.Append(_latency);
        }

        return sb.ToString();
    }

    private static string ReadLoad()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string MemTotal()
    {
        var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        if (line is null)
        {
            return "?";
        }

        var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{kb / 1048576.0:F1} GiB");
    }

    private static string CpuModel()
    {
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "?" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
