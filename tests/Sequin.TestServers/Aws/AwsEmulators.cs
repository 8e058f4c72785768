using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace Sequin.TestServers.Aws;

/// <summary>
/// The SNS and SQS emulators (npm <c>serverless-offline-sns</c> and <c>local-aws-sqs</c>) in one node process on
/// 127.0.0.1, free ports, started by <c>tests/Sequin.TestServers/node/start.mjs</c>. The emulators do not check
/// signatures; SNS delivers to an SQS queue only with <c>RawMessageDelivery=true</c> (see <see cref="SubscribeQueueAsync"/>).
/// The start script adds PublishBatch and GetTopicAttributes on top of the emulator's Publish and topic list.
/// Needs <c>node</c> and <c>npm install</c> in that folder (<c>scripts/install-deps.sh</c> does both).
/// </summary>
public sealed class AwsEmulators : IAsyncDisposable
{
    /// <summary>The region the emulators put in ARNs and queue URLs.</summary>
    public const string Region = "us-east-1";

    /// <summary>The account id the emulators put in ARNs and queue URLs.</summary>
    public const string AccountId = "123456789012";

    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly StringBuilder _stderr;

    private AwsEmulators(Process process, Uri sns, Uri sqs, StringBuilder stderr)
    {
        _process = process;
        SnsEndpoint = sns;
        SqsEndpoint = sqs;
        _stderr = stderr;
    }

    /// <summary>The SNS endpoint, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri SnsEndpoint { get; }

    /// <summary>The SQS endpoint.</summary>
    public Uri SqsEndpoint { get; }

    /// <summary>The emulator process's standard error so far, for failure messages.</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts both emulators and waits until SNS answers ListTopics.</summary>
    /// <param name="timeout">How long to wait for readiness. Default: 30 s.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="InvalidOperationException">node or the npm packages are missing, or the emulators did not get ready in time.</exception>
    public static async Task<AwsEmulators> StartAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var dir = FindNodeDirectory();
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "serverless-offline-sns")) || !Directory.Exists(Path.Combine(dir, "node_modules", "local-aws-sqs")))
        {
            throw new InvalidOperationException($"The AWS emulators are not installed in {dir}: run scripts/install-deps.sh (it runs npm install there).");
        }

        var psi = new ProcessStartInfo("node", "start.mjs")
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["AWS_REGION"] = Region;
        psi.Environment["AWS_ACCOUNT_ID"] = AccountId;
        psi.Environment["EXIT_ON_STDIN_END"] = "1";
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("node is not installed (apt-get install nodejs npm, or scripts/install-deps.sh): " + ex.Message, ex);
        }

        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(limit);
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException("The emulator process ended before printing its ports.");
            using var doc = JsonDocument.Parse(line);
            var sns = new Uri(doc.RootElement.GetProperty("sns").GetString()! + "/");
            var sqs = new Uri(doc.RootElement.GetProperty("sqs").GetString()! + "/");
            var emulators = new AwsEmulators(process, sns, sqs, stderr);
            await emulators.WaitReadyAsync(cts.Token);
            return emulators;
        }
        catch (Exception ex) when (ex is OperationCanceledException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            string err;
            lock (stderr)
            {
                err = stderr.ToString();
            }

            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }

            process.Dispose();
            throw new InvalidOperationException($"The AWS emulators did not get ready within {limit.TotalSeconds} s: {ex.Message}. stderr: {err}", ex);
        }
    }

    /// <summary>Creates a topic through the emulator (unsigned) and returns its ARN.</summary>
    public async Task<string> CreateTopicAsync(string name, CancellationToken cancellationToken = default)
    {
        var xml = await PostAsync(SnsEndpoint, $"Action=CreateTopic&Name={Uri.EscapeDataString(name)}", cancellationToken);
        return Descendant(xml, "TopicArn") ?? throw new InvalidOperationException("CreateTopic returned no TopicArn: " + xml);
    }

    /// <summary>Creates an SQS queue and returns its URL.</summary>
    public async Task<string> CreateQueueAsync(string name, CancellationToken cancellationToken = default)
    {
        var xml = await PostAsync(SqsEndpoint, $"Action=CreateQueue&QueueName={Uri.EscapeDataString(name)}", cancellationToken);
        return Descendant(xml, "QueueUrl") ?? throw new InvalidOperationException("CreateQueue returned no QueueUrl: " + xml);
    }

    /// <summary>Subscribes a queue to a topic with <c>RawMessageDelivery=true</c> (the only way the emulator delivers to SQS).</summary>
    public async Task<string> SubscribeQueueAsync(string topicArn, string queueUrl, CancellationToken cancellationToken = default)
    {
        var body = $"Action=Subscribe&TopicArn={Uri.EscapeDataString(topicArn)}&Protocol=sqs&Endpoint={Uri.EscapeDataString(queueUrl)}" +
                   "&Attributes.entry.1.key=RawMessageDelivery&Attributes.entry.1.value=true";
        var xml = await PostAsync(SnsEndpoint, body, cancellationToken);
        return Descendant(xml, "SubscriptionArn") ?? throw new InvalidOperationException("Subscribe returned no SubscriptionArn: " + xml);
    }

    /// <summary>Receives and deletes up to 10 messages from a queue (no wait).</summary>
    public async Task<IReadOnlyList<SqsReceivedMessage>> ReceiveAsync(string queueUrl, CancellationToken cancellationToken = default)
    {
        var xml = await PostAsync(SqsEndpoint, $"Action=ReceiveMessage&QueueUrl={Uri.EscapeDataString(queueUrl)}&MaxNumberOfMessages=10&MessageAttributeName.1=All", cancellationToken);
        var root = XElement.Parse(xml);
        var result = new List<SqsReceivedMessage>();
        foreach (var m in root.Descendants().Where(e => e.Name.LocalName == "Message"))
        {
            var attributes = m.Elements().Where(e => e.Name.LocalName == "MessageAttribute").ToDictionary(
                a => a.Elements().First(e => e.Name.LocalName == "Name").Value,
                a => a.Descendants().FirstOrDefault(e => e.Name.LocalName == "StringValue")?.Value ?? string.Empty,
                StringComparer.Ordinal);
            var body = m.Elements().First(e => e.Name.LocalName == "Body").Value;
            result.Add(new SqsReceivedMessage(body, attributes));
            var receipt = m.Elements().First(e => e.Name.LocalName == "ReceiptHandle").Value;
            await PostAsync(SqsEndpoint, $"Action=DeleteMessage&QueueUrl={Uri.EscapeDataString(queueUrl)}&ReceiptHandle={Uri.EscapeDataString(receipt)}", cancellationToken);
        }

        return result;
    }

    /// <summary>Receives from a queue until <paramref name="count"/> messages arrived or the timeout passes.</summary>
    /// <returns>What arrived (possibly fewer than asked for when the timeout passed).</returns>
    public async Task<IReadOnlyList<SqsReceivedMessage>> WaitForMessagesAsync(string queueUrl, int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var all = new List<SqsReceivedMessage>();
        var deadline = DateTime.UtcNow + timeout;
        while (all.Count < count && DateTime.UtcNow < deadline)
        {
            var got = await ReceiveAsync(queueUrl, cancellationToken);
            all.AddRange(got);
            if (got.Count == 0)
            {
                await Task.Delay(50, cancellationToken); // polling interval, not synchronisation: the loop checks the condition
            }
        }

        return all;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            _process.StandardInput.Close(); // start.mjs exits when its input closes
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (IOException)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    internal static string FindNodeDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Sequin.TestServers", "node");
            if (File.Exists(Path.Combine(candidate, "start.mjs")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"Could not find tests/Sequin.TestServers/node/start.mjs above {AppContext.BaseDirectory}.");
    }

    private static string? Descendant(string xml, string name) =>
        XElement.Parse(xml).Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var content = new StringContent("Action=ListTopics", Encoding.UTF8, "application/x-www-form-urlencoded");
                using var response = await _http.PostAsync(SnsEndpoint, content, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private async Task<string> PostAsync(Uri endpoint, string body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await _http.PostAsync(endpoint, content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{endpoint} answered {(int)response.StatusCode}: {text}"));
        }

        return text;
    }
}
