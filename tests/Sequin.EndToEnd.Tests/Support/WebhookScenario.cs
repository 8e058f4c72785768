using System.Text;
using System.Text.Json;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>
/// A database, a slot and a real HTTP receiver (<see cref="WebhookReceiver"/>, Kestrel on loopback) for webhook
/// end-to-end tests; <see cref="WriteConfig"/> writes a <c>sequin.yaml</c> in the original's shape
/// (<c>http_endpoints</c> + <c>destination: { type: webhook, http_endpoint: ... }</c>).
/// </summary>
public sealed class WebhookScenario : DatabaseScenario
{
    private WebhookScenario(PostgresServer server, string database, string directory, WebhookReceiver receiver)
        : base(server, database, directory, "slot_" + database)
    {
        Receiver = receiver;
    }

    public WebhookReceiver Receiver { get; }

    public static async Task<WebhookScenario> CreateAsync(PostgresFixture postgres, string prefix, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var (database, directory) = await CreateDatabaseAndFolderAsync(postgres, prefix);
        return new WebhookScenario(postgres.Server, database, directory, await WebhookReceiver.StartAsync(certificate));
    }

    /// <summary>Writes the config: the databases, <paramref name="functions"/>, one http_endpoints item named <c>receiver</c> (<paramref name="endpointExtra"/> adds keys) and <paramref name="sinks"/>.</summary>
    public string WriteConfig(string sinks, string functions = "", string endpointExtra = "")
    {
        var builder = new StringBuilder(DatabasesYaml);
        if (!string.IsNullOrWhiteSpace(functions))
        {
            builder.Append("functions:\n").Append(functions.TrimEnd('\n')).Append("\n\n");
        }

        builder.Append("http_endpoints:\n  - name: receiver\n    url: \"").Append(Receiver.Url.ToString().TrimEnd('/')).Append("/hooks\"\n");
        builder.Append(Indent(endpointExtra, 4)).Append('\n');
        builder.Append("sinks:\n").Append(sinks.TrimEnd('\n')).Append('\n');
        File.WriteAllText(ConfigPath, builder.ToString());
        return ConfigPath;
    }

    /// <summary>Every message delivered so far (2xx requests only), in arrival order, each with its request.</summary>
    public List<(WebhookRequest Request, JsonElement Message)> Delivered()
    {
        var result = new List<(WebhookRequest, JsonElement)>();
        foreach (var request in Receiver.Requests.Where(r => r.Status is >= 200 and < 300))
        {
            using var document = JsonDocument.Parse(request.Text);
            var root = document.RootElement.Clone();
            if (root.TryGetProperty("data", out var data))
            {
                result.AddRange(data.EnumerateArray().Select(m => (request, m)));
            }
            else
            {
                result.Add((request, root));
            }
        }

        return result;
    }

    public Task WaitForDeliveredAsync(int count, ChildProcess host) =>
        Eventually.UntilAsync(() => Delivered().Count >= count, () => $"{count} messages delivered (got {Delivered().Count}); host output:\n{host.Output}");

    public override async ValueTask DisposeAsync()
    {
        await Receiver.DisposeAsync();
        await base.DisposeAsync();
    }
}
