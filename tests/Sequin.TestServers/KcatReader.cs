using System.Diagnostics;
using System.Text.Json;

namespace Sequin.TestServers;

/// <summary>
/// Reads a topic back with <c>kcat -C -e -J</c> (apt <c>kcat</c>), since Confluent.Kafka's consumer does not work on
/// the system librdkafka 2.0.2: every record of every partition, headers included.
/// </summary>
public static class KcatReader
{
    /// <summary>Reads every record currently in <paramref name="topic"/>, ordered by partition and offset.</summary>
    /// <exception cref="InvalidOperationException">kcat is missing or failed; the message has its error output.</exception>
    public static async Task<IReadOnlyList<KafkaRecord>> ReadAsync(string bootstrapServers, string topic, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo("kcat")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-C", "-b", bootstrapServers, "-t", topic, "-e", "-J", "-q", "-o", "beginning" })
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("Could not start kcat.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("kcat is not installed: run scripts/install-deps.sh (apt-get install kcat).", ex);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            var records = new List<KafkaRecord>();
            while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length > 0 && line[0] == '{')
                {
                    records.Add(Parse(line));
                }
            }

            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"kcat failed (exit {process.ExitCode}): {await stderr}");
            }

            records.Sort((a, b) => a.Partition != b.Partition ? a.Partition.CompareTo(b.Partition) : a.Offset.CompareTo(b.Offset));
            return records;
        }
    }

    /// <summary>Reads the topic until <paramref name="condition"/> holds for its records, or fails after <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">The condition did not hold in time; the message tells how many records were seen.</exception>
    public static async Task<IReadOnlyList<KafkaRecord>> WaitForAsync(
        string bootstrapServers, string topic, Func<IReadOnlyList<KafkaRecord>, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<KafkaRecord> records = [];
        string? lastError = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                records = await ReadAsync(bootstrapServers, topic, cancellationToken);
                lastError = null;
                if (condition(records))
                {
                    return records;
                }
            }
            catch (InvalidOperationException ex) when (ex.InnerException is null)
            {
                lastError = ex.Message; // e.g. the broker is down for a moment: read again.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"Topic '{topic}' did not reach the expected state within {timeout.TotalSeconds} s; last read {records.Count} record(s). {lastError}");
    }

    /// <summary>Parses one line of <c>kcat -J</c> output.</summary>
    public static KafkaRecord Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var headers = new List<KeyValuePair<string, string?>>();
        if (root.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Array)
        {
            for (var i = 0; i + 1 < h.GetArrayLength(); i += 2)
            {
                headers.Add(new(h[i].GetString() ?? string.Empty, h[i + 1].GetString()));
            }
        }

        return new KafkaRecord(
            root.GetProperty("topic").GetString() ?? string.Empty,
            root.GetProperty("partition").GetInt32(),
            root.GetProperty("offset").GetInt64(),
            root.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.String ? key.GetString() : null,
            headers,
            root.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.String ? payload.GetString() : null);
    }
}
