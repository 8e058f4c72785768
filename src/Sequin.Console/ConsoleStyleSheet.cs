using Microsoft.AspNetCore.Http;

namespace Sequin.WebConsole;

/// <summary>Serves <c>wwwroot/console.css</c> and <c>wwwroot/console.js</c> from the assembly (embedded), cached by the browser for an hour.</summary>
internal static class ConsoleStyleSheet
{
    public static IResult Result(HttpContext context)
    {
        context.Response.Headers.CacheControl = "private, max-age=3600";
        var stream = typeof(ConsoleStyleSheet).Assembly.GetManifestResourceStream("Sequin.Console.console.css")
            ?? throw new InvalidOperationException("The console's style sheet is not embedded in Sequin.Console.dll.");
        return Results.Stream(stream, "text/css; charset=utf-8");
    }

    /// <summary>Serves <c>wwwroot/console.js</c> (the live figures) the same way.</summary>
    public static IResult Script(HttpContext context)
    {
        context.Response.Headers.CacheControl = "private, max-age=3600";
        var stream = typeof(ConsoleStyleSheet).Assembly.GetManifestResourceStream("Sequin.Console.console.js")
            ?? throw new InvalidOperationException("The console's script is not embedded in Sequin.Console.dll.");
        return Results.Stream(stream, "text/javascript; charset=utf-8");
    }
}
