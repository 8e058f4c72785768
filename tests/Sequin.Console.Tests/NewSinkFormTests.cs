using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Sequin.Hosting.AspNetCore.Tests.Support;
using Sequin.Sinks;
using Sequin.WebConsole.Tests.Support;

namespace Sequin.WebConsole.Tests;

/// <summary>
/// Issue 18: the new-sink form, generated from each plugin's schema metadata, in a real browser against the running
/// host: every field of the schema rendered by its type, a bad value rejected with the field's error, and the YAML block
/// accepted by the real <c>sequin validate</c>. The same test for the built-in sinks and a third-party plugin built
/// outside the solution: no sink has UI code of its own.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class NewSinkFormTests(PostgresFixture postgres, BrowserFixture browser, SinkPluginsFixture plugins) : IClassFixture<SinkPluginsFixture>
{
    private static readonly TimeSpan ValidateTimeout = TimeSpan.FromMinutes(1);

    /// <summary>The sequin tool as src/Sequin.Host builds it (in this test's configuration).</summary>
    private static string HostDll => Path.Combine(
        RepositoryPaths.Root, "src", "Sequin.Host", "bin", new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name, "net10.0", "sequin.dll");

    public static TheoryData<string, string, string, string, string> Sinks => new()
    {
        // type, good values (key=value;...), bad field, bad value, a word of its error
        { "kafka", "hosts=localhost:9092;topic=orders", "batch_size", "0", "at least 1" },
        { "typesense", "endpoint_url=http://localhost:8108;api_key=ts-key-1;collection_name=orders", "endpoint_url", "not a url", "URL" },
        { "sns", "topic_arn=arn:aws:sns:us-east-1:123456789012:orders;access_key_id=AKIAEXAMPLE;secret_access_key=sns-secret-1", "topic_arn", "orders", "ARN" },
        { "stdout", "path=/tmp/sequin-out.jsonl", "path", new string('p', 5000), "4096" },
        { "webhook", "url=http://localhost:9000/hook;headers=X-Source: sequin;encrypted_headers=Authorization: Bearer wh-secret-1", "headers", "no colon", "'Name: value'" },
        { "nats", "host=localhost;username=app;password=nats-secret-1", "port", "0", "at least 1" },
        { SinkPluginsFixture.ThirdPartyType, "directory=/tmp/sequin-changes", "directory", "", "Required" },
    };

    [Theory]
    [MemberData(nameof(Sinks))]
    public async Task TheFormRendersEveryFieldOfTheSchemaRejectsABadValueAndGivesAYamlBlockThatSequinValidateAccepts(
        string type, string goodValues, string badField, string badValue, string badMessage)
    {
        Assert.True(plugins.Catalog.TryGetPlugin(type, out var plugin), $"plugin {type} loaded");
        await using var host = await FormsHost.StartAsync(postgres, "form_" + type, plugins.Catalog);
        var page = await browser.NewPageAsync(host.Address);

        // The type list comes from the loaded plugins.
        await page.GotoAsync("/console/sinks/new");
        await page.Locator($"a[data-sink-type='{type}']").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(type);

        // Every field of the schema, each by its type; a secret is a password input, empty.
        foreach (var field in plugin.Schema.Fields)
        {
            var input = page.Locator($"#d-{field.Name}");
            await Assertions.Expect(page.Locator($"[data-field='{field.Name}']")).ToHaveCountAsync(1);
            await Assertions.Expect(input).ToHaveCountAsync(1);
            var (tag, inputType) = field switch
            {
                { Type: SinkFieldType.Map } => ("TEXTAREA", null), // one "Name: value" per line
                { Type: SinkFieldType.Boolean } => ("INPUT", "checkbox"),
                { Type: SinkFieldType.Enum } => ("SELECT", null),
                { Type: SinkFieldType.WholeNumber } => ("INPUT", "number"),
                { Secret: true } => ("INPUT", "password"),
                { Type: SinkFieldType.Url } => ("INPUT", "url"),
                _ => ("INPUT", "text"),
            };
            Assert.Equal(tag, await input.EvaluateAsync<string>("e => e.tagName"));
            if (inputType is not null)
            {
                await Assertions.Expect(input).ToHaveAttributeAsync("type", inputType);
            }

            if (field.Type == SinkFieldType.Enum)
            {
                foreach (var value in field.AllowedValues!)
                {
                    await Assertions.Expect(input.Locator($"option[value='{value}']")).ToHaveCountAsync(1);
                }
            }

            if (field.Type == SinkFieldType.WholeNumber && field.Minimum is { } min)
            {
                await Assertions.Expect(input).ToHaveAttributeAsync("min", min.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (field.Secret)
            {
                await Assertions.Expect(input).ToHaveValueAsync(string.Empty);
            }
        }

        // A bad value: the field's own error next to it, from the parser of sequin validate; no YAML.
        var values = goodValues.Split(';').Select(v => v.Split('=', 2)).ToDictionary(v => v[0], v => v[1]);
        await page.Locator("#f-name").FillAsync("new-" + type);
        await page.Locator("#f-tables").FillAsync("public.t");
        await FillAsync(page, values);
        await page.Locator($"#d-{badField}").FillAsync(badValue);
        await page.Locator("button[value='validate']").ClickAsync();
        var error = page.Locator($"[data-error-for='{badField}']");
        await Assertions.Expect(error).ToContainTextAsync(badMessage);
        await Assertions.Expect(page.Locator($"[data-field='{badField}'].invalid")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#yaml")).ToHaveCountAsync(0);

        // Good values: the YAML block; secrets only as variable references, never echoed into the page.
        await FillAsync(page, values); // secrets are not filled in again by the server: type them anew
        if (!values.ContainsKey(badField))
        {
            await page.Locator($"#d-{badField}").FillAsync(string.Empty);
        }

        await page.Locator("button[value='validate']").ClickAsync();
        await Assertions.Expect(page.Locator("#yaml")).ToBeVisibleAsync();
        var yaml = await page.Locator("#yaml").InnerTextAsync();
        var html = await page.ContentAsync();
        foreach (var secret in plugin.Schema.Fields.Where(f => f.Secret && values.ContainsKey(f.Name)))
        {
            Assert.DoesNotContain(values[secret.Name], html, StringComparison.Ordinal);
        }

        await AssertSequinValidateAcceptsAsync(yaml);
    }

    [Fact]
    public async Task RoutableFieldsHideWithARoutingFunctionAndTheFunctionHidesWithStaticRouting()
    {
        await using var host = await FormsHost.StartAsync(postgres, "form_modes", plugins.Catalog);
        var page = await browser.NewPageAsync(host.Address);
        await page.GotoAsync("/console/sinks/new?type=kafka");
        await Assertions.Expect(page.Locator("[data-field='topic']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#f-routing-function")).ToBeHiddenAsync();

        await page.Locator("#routing-dynamic").CheckAsync();
        await Assertions.Expect(page.Locator("[data-field='topic']")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("[data-field='hosts']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#f-routing-function")).ToHaveValueAsync(new Regex("function route\\(action, record, changes, metadata\\)"));

        // Dynamic routing: the block carries the function, and sequin validate accepts it.
        await page.Locator("#f-name").FillAsync("routed-kafka");
        await page.Locator("#d-hosts").FillAsync("localhost:9092");
        await page.Locator("button[value='validate']").ClickAsync();
        await Assertions.Expect(page.Locator("#yaml")).ToContainTextAsync("routing: \"routed-kafka-routing\"");
        await Assertions.Expect(page.Locator("#yaml")).ToContainTextAsync("    code: |-\n      function route(action, record, changes, metadata) {"); // a block, as typed
        await Assertions.Expect(page.Locator("#routing-dynamic")).ToBeCheckedAsync();
        await AssertSequinValidateAcceptsAsync(await page.Locator("#yaml").InnerTextAsync());
        await Screenshots.SaveAsync(page, "console-new-sink.png");
    }

    private static async Task FillAsync(IPage page, Dictionary<string, string> values)
    {
        foreach (var (key, value) in values)
        {
            await page.Locator($"#d-{key}").FillAsync(value);
        }
    }

    /// <summary>Runs the real <c>sequin validate</c> on a sequin.yaml made of a database and the block, with its secrets' variables set.</summary>
    private static async Task AssertSequinValidateAcceptsAsync(string yaml)
    {
        var directory = Path.Combine(Path.GetTempPath(), "sequin-form-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            var config = Path.Combine(directory, "sequin.yaml");
            await File.WriteAllTextAsync(config, $$"""
                databases:
                  - name: db
                    hostname: localhost
                    database: app
                    username: postgres
                    slot: { name: sequin_slot }
                    publication: { name: sequin_pub }
                {{yaml}}
                """);
            var environment = VariablePattern().Matches(yaml).Select(m => m.Groups[1].Value).Distinct().ToDictionary(v => v, v => "value-of-" + v);
            var output = await ChildProcess.RunAsync(
                "dotnet", [HostDll, "validate", "--config", config, "--plugins-dir", SinkPluginsFixture.PluginsDirectory],
                directory, ValidateTimeout, environment);
            Assert.Contains("is valid: 1 database(s)", output, StringComparison.Ordinal);
            Assert.Contains("1 sink(s)", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [GeneratedRegex(@"\$\{([A-Z0-9_]+)\}")]
    private static partial Regex VariablePattern();
}
