using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sequin.Configuration;
using Sequin.Hosting.AspNetCore;

namespace Sequin.Host.Cli;

/// <summary>
/// <c>sequin config plan</c> and <c>sequin config apply</c>: send the configuration file to the running host's HTTP
/// endpoint (<c>POST /api/config/plan|apply</c>) and print what differs (and, for apply, what was done). The host
/// validates it with its own plugins and environment; an invalid file is refused whole and the running one stays.
/// </summary>
internal static class ConfigApplyCommand
{
    /// <summary>How long the command waits for the host (an apply waits for changed sinks to drain).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(2);

    public static Command Create(SequinCliOptions options, bool apply)
    {
        var config = CliOptions.Config();
        var plugins = CliOptions.PluginsDirectory();
        var url = new Option<string?>("--url")
        {
            Description = "The running host's HTTP endpoint, e.g. http://127.0.0.1:7376 (default: http.listen of the configuration file). The token is http.token or SEQUIN_HTTP_TOKEN.",
        };
        var command = apply
            ? new Command("apply", "Applies the configuration file to the running host without a restart: sinks added start, changed ones restart alone, removed ones stop; the others keep delivering.") { config, plugins, url }
            : new Command("plan", "Shows how the configuration file differs from what the running host runs (sinks, functions, databases added, changed, removed); changes nothing.") { config, plugins, url };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            options,
            parseResult.GetValue(config)!,
            parseResult.GetValue(plugins),
            parseResult.GetValue(url),
            apply,
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(SequinCliOptions options, string configPath, string? pluginsDirectory, string? url, bool apply, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var verb = apply ? "apply" : "plan";
        string yaml;
        try
        {
            yaml = await File.ReadAllTextAsync(configPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"sequin config {verb}: cannot read {configPath}: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        // The file is validated here first, with the same errors as `sequin validate`; the host validates it again.
        var result = CliConfigLoader.Load(configPath, CliConfigLoader.LoadCatalog(options, pluginsDirectory), options);
        if (!result.IsValid)
        {
            CliConfigLoader.WriteErrors(error, configPath, result.Errors);
            await error.WriteLineAsync($"sequin config {verb}: nothing was sent; the running configuration stays.").ConfigureAwait(false);
            return 1;
        }

        var http = result.Config!.Http;
        var token = http?.Token ?? (options.GetEnvironmentVariable(SequinHttpOptions.TokenEnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null);
        var baseUrl = url ?? (http is null ? null : $"http://{(http.Host.Contains(':', StringComparison.Ordinal) ? "[" + http.Host + "]" : http.Host)}:{http.Port}");
        if (baseUrl is null)
        {
            await error.WriteLineAsync($"sequin config {verb}: {configPath} has no http: section; give the running host's endpoint with --url.").ConfigureAwait(false);
            return 1;
        }

        using var client = new HttpClient { Timeout = RequestTimeout };
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl.TrimEnd('/') + "/api/config/" + verb)
        {
            Content = new StringContent(yaml, Encoding.UTF8, "application/yaml"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"sequin config {verb}: the running host did not answer at {baseUrl}: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body);
            }
            catch (JsonException)
            {
                await error.WriteLineAsync($"sequin config {verb}: {baseUrl} answered {(int)response.StatusCode}: {body}").ConfigureAwait(false);
                return 2;
            }

            using (document)
            {
                var root = document.RootElement;
                if (!root.TryGetProperty("text", out var text))
                {
                    var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : body;
                    await error.WriteLineAsync($"sequin config {verb}: {baseUrl} answered {(int)response.StatusCode}: {detail}").ConfigureAwait(false);
                    return 2;
                }

                var ok = root.GetProperty("valid").GetBoolean() && (apply ? root.GetProperty("applied").GetBoolean() : true);
                await (ok ? output : error).WriteAsync(text.GetString()).ConfigureAwait(false);
                return ok ? 0 : 1;
            }
        }
    }
}
