using Microsoft.AspNetCore.Components;
using Sequin.Hosting.AspNetCore.Health;

namespace Sequin.WebConsole;

/// <summary>
/// A sink's health badge: the state in words and in colour (never colour alone), the reason as its title, marked
/// <c>data-figure="health"</c> so that <c>console.js</c> keeps text, colour and title current.
/// </summary>
internal static class HealthBadge
{
    /// <summary>The badge of <paramref name="health"/>; nothing when null.</summary>
    public static RenderFragment Of(SinkHealth? health) => builder =>
    {
        if (health is null)
        {
            return;
        }

        builder.OpenElement(0, "span");
        builder.AddAttribute(1, "class", "health " + health.State);
        builder.AddAttribute(2, "data-figure", "health");
        builder.AddAttribute(3, "data-class-prefix", "health");
        builder.AddAttribute(4, "title", health.Reason);
        builder.AddContent(5, health.State);
        builder.CloseElement();
    };
}
