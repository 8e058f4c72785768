using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sequin.Configuration;

namespace Sequin.Hosting.AspNetCore.Api;

/// <summary>
/// <c>POST /api/config/plan</c> and <c>POST /api/config/apply</c>: the body is a whole <c>sequin.yaml</c>, validated as
/// <c>sequin validate</c> does (an invalid one is refused whole: 422 with the errors), compared with the running
/// configuration, and for apply applied live (409 when part of it needs a restart or a new sink cannot be created).
/// </summary>
internal static class ConfigHandlers
{
    public static Task<IResult> PlanAsync(HttpRequest request, SequinServices sequin, CancellationToken cancellationToken) =>
        HandleAsync(request, sequin, apply: false, cancellationToken);

    public static Task<IResult> ApplyAsync(HttpRequest request, SequinServices sequin, CancellationToken cancellationToken) =>
        HandleAsync(request, sequin, apply: true, cancellationToken);

    private static async Task<IResult> HandleAsync(HttpRequest request, SequinServices sequin, bool apply, CancellationToken cancellationToken)
    {
        if (sequin.Provider.GetService<LiveConfiguration>() is not { } live)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Configuration not reloadable",
                detail: "This host was not started by `sequin run`: its configuration cannot be planned or applied over the API.");
        }

        string yaml;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            yaml = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        if (string.IsNullOrWhiteSpace(yaml))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No configuration", detail: "Send the whole sequin.yaml as the request body.");
        }

        var outcome = apply ? await live.ApplyAsync(yaml, cancellationToken).ConfigureAwait(false) : live.Plan(yaml);
        var view = View(outcome);
        var status = outcome.Errors.Count > 0 ? StatusCodes.Status422UnprocessableEntity
            : apply && !outcome.Applied ? StatusCodes.Status409Conflict
            : StatusCodes.Status200OK;
        return TypedResults.Json(view, SequinApiJsonContext.Default.ConfigPlanView, statusCode: status);
    }

    /// <summary>The answer for <paramref name="outcome"/>; <see cref="ConfigPlanView.Text"/> is what <c>sequin config plan|apply</c> prints.</summary>
    internal static ConfigPlanView View(LiveConfigOutcome outcome)
    {
        if (outcome.Errors.Count > 0)
        {
            var text = new StringBuilder();
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"The configuration is not valid: {outcome.Errors.Count} error(s); nothing was changed:\n");
            foreach (var e in outcome.Errors)
            {
                text.Append("  ").Append(e.Path.Length == 0 ? "(file)" : e.Path).Append(": ").Append(e.Message).Append('\n');
            }

            return new ConfigPlanView(false, outcome.Errors.Select(e => new ConfigErrorView(e.Path, e.Message)).ToList(), [], false, [], false, null, text.ToString());
        }

        var plan = outcome.Plan!;
        var changes = plan.Changes.Select(c => new ConfigChangeView(c.Kind, c.Name, c.Action.ToString().ToLowerInvariant(), c.ChangedKeys, c.Yaml)).ToList();
        var summary = plan.ToText();
        if (outcome.Applied && plan.HasChanges)
        {
            summary += "\nApplied: the running host runs this configuration now.\n";
        }
        else if (outcome.Error is { } error && plan.CanApplyLive)
        {
            summary += $"\nRefused; the running configuration stays: {error}\n";
        }

        return new ConfigPlanView(true, [], changes, plan.CanApplyLive, plan.RestartNeeded, outcome.Applied, outcome.Error, summary);
    }
}
