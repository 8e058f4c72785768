using Sequin.Functions;

namespace Sequin.Configuration;

/// <summary>One function (<c>functions[]</c>): JavaScript (current ECMAScript, strict mode) with the signature <c>(action, record, changes, metadata)</c>.</summary>
public sealed class FunctionConfig
{
    /// <summary>The item's configuration keys (paths relative to it) and values as read, after substitution; compared by <see cref="ConfigPlan"/>.</summary>
    internal IReadOnlyDictionary<string, string?> Keys { get; set; } = ConfigKeys.Empty;

    /// <summary>The most bytes (UTF-8) a function's code may have: 10 KB, as in the original.</summary>
    public const int MaxCodeBytes = 10 * 1024;

    /// <summary>The name sinks refer to (<c>name</c>). Required; not <c>none</c>, <c>null</c> or <c>nil</c>.</summary>
    public required string Name { get; init; }

    /// <summary>A description (<c>description</c>), or null.</summary>
    public string? Description { get; init; }

    /// <summary>What it does (<c>type</c>: <c>routing</c>, <c>filter</c>, <c>transform</c> or <c>enrichment</c>, whose code is SQL).</summary>
    public required FunctionKind Kind { get; init; }

    /// <summary>For routing functions, the sink type it routes for (<c>sink_type</c>); null otherwise.</summary>
    public string? SinkType { get; init; }

    /// <summary>The code, inline (<c>code</c>) or read from <c>file</c>.</summary>
    public required string Code { get; init; }

    /// <summary>
    /// For a path function (<c>type: path</c>), its field path into the message (<c>path</c>, e.g. <c>record.address</c>);
    /// null otherwise. A path function is a transform: <see cref="Code"/> holds the JavaScript generated from the path.
    /// </summary>
    public string? Path { get; init; }

    /// <summary>The full path of the file the code was read from (<c>file</c>), or null for inline code.</summary>
    public string? FilePath { get; init; }

    /// <summary>The function as the function engine takes it.</summary>
    internal FunctionDefinition ToDefinition() => new(Name, Kind, Code)
    {
        SinkType = SinkType,
    };
}
