using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sequin.Hosting.AspNetCore.Health;

/// <summary>
/// Writes a health report as JSON, so that an unready host says which check failed and why:
/// <c>{"status":"Unhealthy","checks":{"sequin-sinks":{"status":"Unhealthy","description":"...","sinks":{"orders":"error: ..."}}, ...}}</c>.
/// Exceptions are left out (they may carry connection details); the descriptions are Sequin's own.
/// </summary>
internal static class HealthReportWriter
{
    /// <summary>Writes <paramref name="report"/> to the response.</summary>
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject(name);
                json.WriteString("status", entry.Status.ToString());
                if (entry.Description is { } description)
                {
                    json.WriteString("description", description);
                }

                if (entry.Data.Count > 0)
                {
                    // The sinks check: each sink's health, "state: reason".
                    json.WriteStartObject("sinks");
                    foreach (var (key, value) in entry.Data)
                    {
                        json.WriteString(key, value?.ToString());
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
    }
}
