using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Sequin.TestServers;

// Usage:
//   Sequin.KafkaMock [--brokers N]            start a mock cluster on 127.0.0.1, print "BOOTSTRAP <servers>", run until Ctrl+C or SIGTERM
//   Sequin.KafkaMock read <servers> <topic>   print every record of the topic, one JSON object a line
if (args is ["read", var servers, var topic])
{
    IReadOnlyList<KafkaRecord> records;
    try
    {
        records = await KafkaTopicReader.ReadAsync(servers, topic);
    }
    catch (InvalidOperationException ex)
    {
        await Console.Error.WriteLineAsync(ex.Message);
        return 1;
    }

    foreach (var record in records)
    {
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            topic = record.Topic,
            partition = record.Partition,
            offset = record.Offset,
            key = record.Key,
            headers = record.Headers.ToDictionary(h => h.Key, h => h.Value),
            payload = record.Payload,
        }));
    }

    return 0;
}

var brokers = args is ["--brokers", var n] ? int.Parse(n, CultureInfo.InvariantCulture) : 1;
if (args.Length > 0 && args is not ["--brokers", _])
{
    await Console.Error.WriteLineAsync("usage: Sequin.KafkaMock [--brokers N] | read <bootstrap servers> <topic>");
    return 2;
}

await using var cluster = await KafkaMockBroker.StartAsync(brokers);
var stop = new TaskCompletionSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.TrySetResult();
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
Console.WriteLine($"BOOTSTRAP {cluster.BootstrapServers}");
await Console.Error.WriteLineAsync($"librdkafka {KafkaMockBroker.LibraryVersion} mock cluster with {brokers} broker(s); Ctrl+C stops it.");
await stop.Task;
return 0;
