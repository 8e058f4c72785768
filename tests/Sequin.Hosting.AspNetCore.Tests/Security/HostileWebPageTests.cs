using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Sequin.Configuration;
using Sequin.Hosting.AspNetCore.Security;
using Sequin.Hosting.AspNetCore.Tests.Support;

namespace Sequin.Hosting.AspNetCore.Tests.Security;

/// <summary>
/// Issue 29, the attack suite of the HTTP endpoint against a hostile web page (docs/reference/security.md, "HTTP
/// endpoint"): DNS rebinding (the Host check), token guessing (failed bearer tokens limited and logged), oversized
/// request bodies. Each test failed on the code before the fix.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HostileWebPageTests(PostgresFixture postgres)
{
    private const string EvilHost = "evil.example";

    [Fact]
    public async Task ARebindingPageGets421FromTheTokenlessLoopbackListenerWhileLocalNamesAreAnswered()
    {
        await using var api = await ApiHost.StartWithServicesAsync(postgres, "rebind", "127.0.0.1:0", withToken: false, addToHost: _ => { });
        using var client = api.CreateClient(withToken: false);
        var port = api.Address.Port;

        // What a page of evil.example, its name rebound to 127.0.0.1, sends: its own name as Host, and "same-origin".
        foreach (var (method, path, body) in new (HttpMethod, string, string?)[]
        {
            (HttpMethod.Get, "/api/sinks", null),
            (HttpMethod.Get, "/api/sinks/gated", null),
            (HttpMethod.Post, "/api/sinks/gated/pause", null),
            (HttpMethod.Post, "/api/routing/run", """{"type":"gated","code":"function route(a, r, c, m) { return {}; }","table":"public.t"}"""),
            (HttpMethod.Post, "/api/config/apply", "sinks: []"),
            (HttpMethod.Get, "/metrics", null),
        })
        {
            using var request = Rebound(method, path, body, $"{EvilHost}:{port}");
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.MisdirectedRequest, $"{method} {path}: {(int)response.StatusCode}");
            Assert.Contains("http.allowed_hosts", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.False(api.Consumer.IsPaused);
        Assert.Contains(api.Logs.Entries, e => e.Message.Contains($"Host header '{EvilHost}:{port}'", StringComparison.Ordinal));

        // A Host that is not a loopback name is refused on a loopback bind, even an IP address; the loopback names pass.
        using (var other = Rebound(HttpMethod.Get, "/api/sinks", null, $"10.1.2.3:{port}"))
        {
            Assert.Equal(HttpStatusCode.MisdirectedRequest, (await client.SendAsync(other)).StatusCode);
        }

        foreach (var host in new[] { $"localhost:{port}", $"127.0.0.1:{port}", $"[::1]:{port}", "LOCALHOST" })
        {
            using var request = Rebound(HttpMethod.Get, "/api/sinks", null, host);
            Assert.True((await client.SendAsync(request)).StatusCode == HttpStatusCode.OK, host);
        }
    }

    [Fact]
    public async Task AnEmbeddedEndpointRefusesAForeignHostByDefaultAndAnswersItsIpAddress()
    {
        await using var api = await ApiHost.StartEmbeddedAsync(postgres, "rebind_embedded");
        using var client = api.CreateClient(withToken: false);
        using (var rebound = Rebound(HttpMethod.Post, "/api/sinks/gated/pause", null, EvilHost))
        {
            Assert.Equal(HttpStatusCode.MisdirectedRequest, (await client.SendAsync(rebound)).StatusCode);
        }

        Assert.False(api.Consumer.IsPaused);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/sinks")).StatusCode); // Host: 127.0.0.1:port
    }

    [Fact]
    public void AllowedHostsAreAcceptedExactlyAndAStarAcceptsAny()
    {
        var options = new SequinHttpOptions { AllowIpAddressHosts = false };
        Assert.False(HostCheck.IsAllowed("sequin.internal", options));
        options.AllowedHosts.Add("Sequin.Internal");
        Assert.True(HostCheck.IsAllowed("sequin.internal", options));
        Assert.False(HostCheck.IsAllowed("evil.sequin.internal", options));
        Assert.False(HostCheck.IsAllowed("192.168.1.5", options));
        Assert.True(HostCheck.IsAllowed("127.0.0.2", options));
        Assert.False(HostCheck.IsAllowed(string.Empty, options));
        options.AllowIpAddressHosts = true;
        Assert.True(HostCheck.IsAllowed("192.168.1.5", options));
        Assert.True(HostCheck.IsAllowed("[fd00::5]", options));
        Assert.False(HostCheck.IsAllowed("evil.example", options));
        options.AllowedHosts.Add("*");
        Assert.True(HostCheck.IsAllowed("evil.example", options));
    }

    [Fact]
    public void HttpAllowedHostsIsReadAndEachBadEntryIsAnErrorNamingIt()
    {
        var good = Load("http:\n  listen: \"127.0.0.1:0\"\n  allowed_hosts: [sequin.internal, 10.0.0.5, \"[fd00::5]\"]\n");
        Assert.True(good.IsValid, string.Join("; ", good.Errors));
        Assert.Equal(["sequin.internal", "10.0.0.5", "[fd00::5]"], good.Config!.Http!.AllowedHosts);

        var bad = Load("http:\n  listen: \"127.0.0.1:0\"\n  allowed_hosts: [\"http://sequin.internal\", \"sequin.internal:7376\", ok.example]\n");
        Assert.False(bad.IsValid);
        Assert.Equal(["http.allowed_hosts[0]", "http.allowed_hosts[1]"], bad.Errors.Select(e => e.Path));
        Assert.All(bad.Errors, e => Assert.Contains("without scheme or port", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void AShortTokenOffLoopbackIsAConfigErrorNamingHttpToken()
    {
        var problem = SequinHttpListener.Problem(new HttpConfig("0.0.0.0", 7376, "x"), token: "x");
        Assert.NotNull(problem);
        Assert.StartsWith("http.token:", problem, StringComparison.Ordinal);
        Assert.Contains("24 characters", problem, StringComparison.Ordinal);
        Assert.NotNull(SequinHttpListener.Problem(new HttpConfig("0.0.0.0", 7376, null), token: new string('a', 23)));
        Assert.Null(SequinHttpListener.Problem(new HttpConfig("0.0.0.0", 7376, null), token: new string('a', 24)));
        Assert.Null(SequinHttpListener.Problem(new HttpConfig("127.0.0.1", 7376, "x"), token: "x")); // loopback: any token
    }

    [Fact]
    public async Task WrongBearerTokensAreLoggedOneLineEachWithoutTheGuessAndThenRefusedWith429EvenForTheRightOne()
    {
        await using var api = await ApiHost.StartAsync(postgres, "guessing");
        using var client = api.CreateClient(withToken: false);
        for (var i = 0; i < FailedSignInThrottle.MaxFailuresPerClient; i++)
        {
            using var guess = new HttpRequestMessage(HttpMethod.Get, "/api/sinks");
            guess.Headers.TryAddWithoutValidation("Authorization", $"Bearer guess-{i}-0b9d2f");
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(guess)).StatusCode);
        }

        // Past the limit even the right token is not compared: a guesser learns nothing until the window ends.
        using var right = new HttpRequestMessage(HttpMethod.Get, "/api/sinks");
        right.Headers.TryAddWithoutValidation("Authorization", "Bearer " + ApiHost.Token);
        using var throttled = await client.SendAsync(right);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        var failures = api.Logs.Entries.Where(e => e.EventId.Id == 7103).ToList();
        Assert.Equal(FailedSignInThrottle.MaxFailuresPerClient, failures.Count);
        Assert.All(failures, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.Contains("127.0.0.1", failures[0].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(api.Logs.Entries, e => e.Message.Contains("guess-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARequestBodyOverTheLimitGets413UnreadOnEveryEndpoint()
    {
        await using var api = await ApiHost.StartAsync(postgres, "bodies", "127.0.0.1:0");
        var message = new string('x', (int)RequestBodyLimit.DefaultMaxBytes + 1024);
        var big = JsonSerializer.Serialize(new { type = "gated", code = "function route(a, r, c, m) { return {}; }", message });
        foreach (var path in new[] { "/api/routing/run", "/api/sink-types/gated/validate", "/api/sink-types/gated/test-connection", "/api/config/plan", "/api/config/apply" })
        {
            // With Expect: 100-continue the body waits for the server's answer, which is 413 before reading it (sent
            // anyway, the body races the server closing the connection: a broken pipe instead of the answer).
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(big, Encoding.UTF8, "application/json") };
            request.Headers.ExpectContinue = true;
            using var response = await api.Client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{path}: {(int)response.StatusCode}");
        }

        // Under the limit, the same endpoint answers.
        using var small = JsonContent.Create(new { type = "gated", code = "function route(a, r, c, m) { return {}; }" });
        Assert.Equal(HttpStatusCode.OK, (await api.Client.PostAsync("/api/routing/run", small)).StatusCode);
    }

    private static HttpRequestMessage Rebound(HttpMethod method, string path, string? body, string host)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("Origin", "http://" + host);
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static SequinConfigResult Load(string yaml)
    {
        var directory = Path.Combine(Path.GetTempPath(), "sequin-hosts-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        try
        {
            var path = Path.Combine(directory, "sequin.yaml");
            File.WriteAllText(path, yaml);
            var configuration = new ConfigurationBuilder().AddSequinYaml(path).Build();
            return SequinConfigLoader.Load(configuration, new SinkPluginCatalog([new GatedSinkPlugin()]), directory);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
