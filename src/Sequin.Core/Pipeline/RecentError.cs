namespace Sequin.Pipeline;

/// <summary>A distinct delivery error of a sink, as the HTTP API lists it (the newest last).</summary>
/// <param name="Error">The error text, as logged.</param>
/// <param name="Count">How many failures had this error.</param>
/// <param name="FirstAt">When it first happened.</param>
/// <param name="LastAt">When it last happened.</param>
internal sealed record RecentError(string Error, int Count, DateTimeOffset FirstAt, DateTimeOffset LastAt);
