using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sequin.Configuration;
using Sequin.Diagnostics;
using Sequin.Hosting.AspNetCore.Metrics;

namespace Sequin.Hosting.AspNetCore.Tests;

/// <summary>Issue 17: <c>metrics.otlp</c> pushes the <c>Sequin.Core</c> meter to an OTLP/HTTP collector at the configured interval.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task TheMeterIsPushedToTheCollectorOverHttpProtobuf()
    {
        var received = new ConcurrentQueue<(string Path, string ContentType, byte[] Body)>();
        await using var collector = LoopbackHttpServer.Start(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            received.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType ?? string.Empty, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.Close();
        });
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Services.AddSequinOtlpExport(new OtlpConfig(new Uri(collector.Url + "/v1/metrics"), OtlpConfig.HttpProtobuf, TimeSpan.FromSeconds(1)));
        builder.Services.AddSingleton(sp => new SequinMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var metrics = host.Services.GetRequiredService<SequinMetrics>();
            var database = new ReplicationStatus("otlp-db", metrics);
            metrics.Register(database);
            database.OnChangeRead();
            database.OnLag(4096, TimeSpan.FromSeconds(3));

            await Eventually.UntilAsync(
                () => received.Any(r => Contains(r.Body, "sequin.replication.changes.read") && Contains(r.Body, "sequin.replication.lag") && Contains(r.Body, "otlp-db")),
                () => $"an export holding the series ({received.Count} requests so far)",
                TimeSpan.FromSeconds(30));
            var export = received.First(r => Contains(r.Body, "sequin.replication.changes.read"));
            Assert.Equal("/v1/metrics", export.Path);
            Assert.Equal("application/x-protobuf", export.ContentType);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    // Protobuf carries strings as raw UTF-8: the series and tag names appear verbatim in the body.
    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
