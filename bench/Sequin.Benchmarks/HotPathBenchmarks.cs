using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Sequin.Diagnostics;
using Sequin.Messages;
using Sequin.Pipeline;
using Sequin.Routing;
using Sequin.Sinks;

namespace Sequin.Benchmarks;

/// <summary>Rows shaped like the end-to-end workload's <c>benchmark_records</c> (bench/Sequin.Benchmarks.EndToEnd).</summary>
internal static class BenchRows
{
    public static readonly RelationInfo Relation = new(16400, "public", "benchmark_records",
    [
        new RelationColumn("id", PgTypeOids.Int8, -1, IsKey: true),
        new RelationColumn("string_field", PgTypeOids.Text, -1, IsKey: false),
        new RelationColumn("numeric_field", PgTypeOids.Numeric, -1, IsKey: false),
        new RelationColumn("timestamp_field", PgTypeOids.Timestamptz, -1, IsKey: false),
        new RelationColumn("json_field", PgTypeOids.Jsonb, -1, IsKey: false),
        new RelationColumn("inserted_at", PgTypeOids.Timestamptz, -1, IsKey: false),
        new RelationColumn("updated_at", PgTypeOids.Timestamptz, -1, IsKey: false),
    ]);

    public static readonly SourceDatabaseInfo Source = new("bench", "bench", "bench", "127.0.0.1");

    /// <summary>The column texts of one row; <paramref name="blocks"/> 32-character blocks of text (2 ≈ 200 B rows, 32 ≈ 1.6 KB).</summary>
    public static string[] Texts(long id, int blocks)
    {
#pragma warning disable CA5351 // Not security: the workload's text is md5(id), as the SQL generator writes it.
        var md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.ASCII.GetBytes(id.ToString(CultureInfo.InvariantCulture))));
#pragma warning restore CA5351
        string Repeat(int n) => string.Concat(Enumerable.Repeat(md5, n));
        return
        [
            id.ToString(CultureInfo.InvariantCulture),
            Repeat(blocks),
            (id * 1.5m).ToString(CultureInfo.InvariantCulture),
            "2026-11-22 09:17:03.123456+00",
            $$"""{"id": {{id}}, "blob": "{{Repeat(blocks / 2)}}", "name": "{{md5}}", "active": true}""",
            "2026-11-22 09:17:03.123456+00",
            "2026-11-22 09:17:03.123456+00",
        ];
    }

    public static ChangeMessage Message(long id, int blocks, TransactionInfo transaction, int commitIdx) =>
        new(ChangeAction.Insert, new RowImage(Relation, [.. Texts(id, blocks).Select(ColumnValue.FromText)]), null, transaction, commitIdx, Source);
}

/// <summary>
/// The per-change work of reading the WAL and writing the default payload, on the end-to-end workload's row:
/// <c>DecodeTuple</c> turns a pgoutput TupleData (the bytes of an Insert's new row: column count, then per column
/// <c>'t'</c>, length, text) into a <see cref="ChangeMessage"/> the way <c>PgOutputDecoder</c> and <c>ValueReader</c> do (UTF-8 text per
/// column, <see cref="RowImage"/>, message); Npgsql's own framing and stream per value are not included.
/// <c>WriteJson</c> is <see cref="ChangeMessageJsonWriter"/> into a reused buffer, as the message processor uses it.
/// </summary>
[MemoryDiagnoser]
public class DecodeAndJsonBenchmarks
{
    private static readonly ConsumerInfo Consumer = new("bench", "bench-null");
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private byte[] _tuple = [];
    private ChangeMessage _message = null!;
    private TransactionInfo _transaction = null!;
    private Utf8JsonWriter _writer = null!;

    /// <summary>32-character text blocks per row: 2 ≈ 200 B rows, 32 ≈ 1.6 KB rows.</summary>
    [Params(2, 32)]
    public int Blocks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var texts = BenchRows.Texts(123456, Blocks);
        var tuple = new ArrayBufferWriter<byte>();
        BinaryPrimitives.WriteInt16BigEndian(tuple.GetSpan(2), (short)texts.Length);
        tuple.Advance(2);
        foreach (var text in texts)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var span = tuple.GetSpan(5 + bytes.Length);
            span[0] = (byte)'t';
            BinaryPrimitives.WriteInt32BigEndian(span[1..], bytes.Length);
            bytes.CopyTo(span[5..]);
            tuple.Advance(5 + bytes.Length);
        }

        _tuple = tuple.WrittenSpan.ToArray();
        _transaction = new TransactionInfo(23728496, DateTimeOffset.UtcNow, 7);
        _message = BenchRows.Message(123456, Blocks, _transaction, 3);
        _writer = new Utf8JsonWriter(_buffer, ChangeMessageJsonWriter.WriterOptions);
    }

    [GlobalCleanup]
    public void Cleanup() => _writer.Dispose();

    /// <summary>pgoutput TupleData bytes to a <see cref="ChangeMessage"/>.</summary>
    [Benchmark]
    public ChangeMessage DecodeTuple()
    {
        var span = _tuple.AsSpan();
        var count = BinaryPrimitives.ReadInt16BigEndian(span);
        var offset = 2;
        var values = new ColumnValue[BenchRows.Relation.Columns.Count];
        for (var i = 0; i < count; i++)
        {
            var kind = span[offset];
            offset++;
            if (kind == (byte)'n')
            {
                values[i] = ColumnValue.Null;
                continue;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(span[offset..]);
            offset += 4;
            values[i] = ColumnValue.FromText(Encoding.UTF8.GetString(span.Slice(offset, length)));
            offset += length;
        }

        return new ChangeMessage(ChangeAction.Insert, new RowImage(BenchRows.Relation, values), null, _transaction, 3, BenchRows.Source);
    }

    /// <summary>The default payload <c>{record, changes, action, metadata}</c> into a reused buffer.</summary>
    [Benchmark]
    public int WriteJson()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        ChangeMessageJsonWriter.Write(_writer, _message, Consumer, TimestampFormat.Iso8601);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    /// <summary>The default payload as a new array (what a sink holding the payload pays).</summary>
    [Benchmark]
    public byte[] ToUtf8Bytes() => ChangeMessageJsonWriter.ToUtf8Bytes(_message, Consumer, TimestampFormat.Iso8601);
}

/// <summary>
/// The consumer stage in memory: <see cref="SinkConsumer.EnqueueAsync"/> of 10,000 prepared ~200 B changes (distinct
/// rows, transactions of 100) through filter, static routing, default payload, grouping, batch cutting (batch size
/// as given, 5 ms linger) and a pipeline that acknowledges at once, until the consumer counts them all delivered.
/// Per change (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class BatchingBenchmarks
{
    private const int Changes = 10_000;
    private SinkConsumer _consumer = null!;
    private ChangeMessage[] _messages = [];

    [Params(100, 1000)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var consumer = new ConsumerInfo("bench", "bench-batching");
        var routing = new BenchKafkaRoutedConsumer();
        var settings = new SinkConsumerSettings { Consumer = consumer, Database = "bench", BatchSize = BatchSize };
        var processors = new MessageProcessorFactory(new MessageProcessorOptions { Routing = routing, Consumer = consumer, SinkOptions = new BenchKafkaOptions() });
        _consumer = new SinkConsumer(settings, new AckPipeline(), processors, NullLogger.Instance, TimeProvider.System, new SequinMetrics());
        _consumer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _messages = new ChangeMessage[Changes];
        TransactionInfo? transaction = null;
        for (var i = 0; i < Changes; i++)
        {
            if (i % 100 == 0)
            {
                transaction = new TransactionInfo((ulong)(1000 + i), DateTimeOffset.UtcNow, (uint)i);
            }

            _messages[i] = BenchRows.Message(i + 1, 2, transaction!, i % 100);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _consumer.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        _consumer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = Changes)]
    public async Task EnqueueToAck()
    {
        var target = _consumer.DeliveredMessages + Changes;
        foreach (var message in _messages)
        {
            await _consumer.EnqueueAsync(message, CancellationToken.None).ConfigureAwait(false);
        }

        var spin = new SpinWait();
        while (_consumer.DeliveredMessages < target)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    private sealed class AckPipeline : ISinkPipeline
    {
        public BatchingOptions Batching { get; } = new();

        public string GetBatchKey(RoutedMessage message) => "bench";

        public ValueTask<BatchResult> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken) => ValueTask.FromResult(BatchResult.AllDelivered);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
