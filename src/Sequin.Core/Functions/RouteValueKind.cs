namespace Sequin.Functions;

/// <summary>The JavaScript type of one value a routing function returned.</summary>
internal enum RouteValueKind
{
    /// <summary>A string: used as is.</summary>
    String,

    /// <summary>A number: converted to its JavaScript string form (<c>42</c>, <c>1.5</c>).</summary>
    Number,

    /// <summary><c>null</c>: the key is explicitly unset.</summary>
    Null,

    /// <summary><c>undefined</c>: treated as if the key were absent (the default is kept).</summary>
    Undefined,

    /// <summary>
    /// An object whose values are all strings or numbers (e.g. HTTP headers): its text is the JSON object with every
    /// value as a string. Accepted only for a key declared <see cref="Sequin.Sinks.RoutableKey.IsMap"/>.
    /// </summary>
    Map,

    /// <summary>Anything else (boolean, array, function, an object with other values): rejected.</summary>
    Other,
}
