namespace Sequin.WebConsole;

/// <summary>The console's addresses (all under <c>/console</c>).</summary>
internal static class ConsolePaths
{
    public const string Root = "/console";
    public const string Sinks = "/console/sinks";
    public const string NewSink = "/console/sinks/new";
    public const string Routing = "/console/routing";
    public const string Login = "/console/login";
    public const string Logout = "/console/logout";
    public const string StyleSheet = "/console/console.css";
    public const string Script = "/console/console.js";
    public const string Live = "/console/live";

    /// <summary>The page of sink <paramref name="name"/>.</summary>
    public static string Sink(string name) => Sinks + "/" + Uri.EscapeDataString(name);

    /// <summary>The routing editor opened on sink <paramref name="name"/>'s <paramref name="function"/> (routing, filter or transform).</summary>
    public static string SinkFunction(string name, string function) => Routing + "?sink=" + Uri.EscapeDataString(name) + "&function=" + Uri.EscapeDataString(function);
}
