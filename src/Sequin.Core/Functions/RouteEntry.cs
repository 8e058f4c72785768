namespace Sequin.Functions;

/// <summary>One key of a routing function's output.</summary>
/// <param name="Key">The property name.</param>
/// <param name="Kind">The value's JavaScript type.</param>
/// <param name="Text">For strings and numbers, the text; for <see cref="RouteValueKind.Other"/>, a short description (e.g. <c>boolean true</c>).</param>
internal readonly record struct RouteEntry(string Key, RouteValueKind Kind, string? Text);
