using System.Text;
using Sequin.Functions;
using Sequin.Sinks;

namespace Sequin.Configuration;

/// <summary>
/// Reads one <c>functions[]</c> item (<c>name</c>, <c>description</c>, <c>type</c>, <c>sink_type</c>, <c>code</c> or
/// <c>file</c>) and runs the function once on a synthetic message, so that syntax and runtime errors are reported at
/// load time with the function's name, line and column instead of failing every message later.
/// </summary>
internal static class FunctionReader
{
    private static readonly string[] ReservedNames = ["none", "null", "nil"];

    public static FunctionConfig? Read(ConfigMap map, ISinkPluginCatalog catalog, string baseDirectory)
    {
        var before = map.Reader.ErrorCount;
        var name = map.Name();
        var description = map.String("description");
        var typeText = map.Section["type"]?.Trim();
        var isPath = string.Equals(typeText, "path", StringComparison.OrdinalIgnoreCase);
        FunctionKind? kind;
        if (isPath)
        {
            map.String("type");
            kind = FunctionKind.Transform;
        }
        else
        {
            kind = map.Enum<FunctionKind>("type", required: true);
        }

        var sinkType = map.String("sink_type");
        var path = map.String("path")?.Trim();
        var code = isPath ? null : map.String("code");
        var file = isPath ? null : map.String("file");
        map.RejectUnknown();
        var isEnrichment = kind == FunctionKind.Enrichment;

        if (isPath)
        {
            code = PathFunction.ToJavaScript(map, path);
            if (code is null)
            {
                return null;
            }
        }
        else if (path is not null)
        {
            map.Error("path", "Only path functions (type: path) have a path.");
        }

        if (name is not null && ReservedNames.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            map.Error("name", $"'{name}' is reserved (it means no function); choose another name.");
        }

        if (kind == FunctionKind.Routing)
        {
            if (sinkType is null)
            {
                map.Error("sink_type", "Required for a routing function: the sink type it routes for.");
            }
            else if (!catalog.TryGetPlugin(sinkType, out _))
            {
                map.Error("sink_type", $"Unknown sink type '{sinkType}'. {SinkTypeHints.For(sinkType.Trim())}{SinkReader.KnownTypes(catalog)}");
            }
        }
        else if (kind is not null && sinkType is not null)
        {
            map.Error("sink_type", "Only routing functions have a sink_type.");
        }

        string? filePath = null;
        var codeKey = file is null ? "code" : "file";
        if (code is not null && file is not null)
        {
            map.Error("file", "Give either code or file, not both.");
        }
        else if (code is null && file is null && !isPath)
        {
            map.Error("code", "Required: the function's code (or file: a path to it).");
        }
        else if (file is not null)
        {
            code = FunctionFileReader.Read(baseDirectory, file, out filePath, out var fileError);
            if (fileError is not null)
            {
                map.Error("file", fileError);
            }
        }

        if (code is not null && isEnrichment && !code.Contains("$1", StringComparison.Ordinal))
        {
            map.Error(codeKey, "An enrichment function is a SQL query that takes the batch's primary keys as $1 (e.g. SELECT u.id, a.name AS account_name FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = ANY($1)); this one has no $1.");
        }

        if (code is not null && !isPath && !isEnrichment && ElixirCode.Detect(code) is { } elixir)
        {
            map.Error(codeKey, $"This is Elixir ('{elixir}'), from the original Sequin; functions here are JavaScript: {ElixirCode.Hint(kind)}. docs/how-to/migrate-from-sequin.md shows each documented example in both.");
            return null;
        }

        if (code is not null && Encoding.UTF8.GetByteCount(code) > FunctionConfig.MaxCodeBytes)
        {
            map.Error(codeKey, $"Code must be at most {FunctionConfig.MaxCodeBytes} bytes (got {Encoding.UTF8.GetByteCount(code)}).");
        }

        if (map.Reader.ErrorCount > before || name is null || kind is null || code is null)
        {
            return null;
        }

        var function = new FunctionConfig
        {
            Name = name,
            Description = description,
            Kind = kind.Value,
            SinkType = kind == FunctionKind.Routing ? sinkType!.ToLowerInvariant() : null,
            Code = code,
            FilePath = filePath,
            Path = isPath ? path : null,
        };

        if (isEnrichment)
        {
            // SQL: checked by the source database when it first runs (a failure fails that batch, retried, naming the function).
            return function;
        }

        ISinkPlugin? plugin = null;
        if (function.SinkType is not null)
        {
            catalog.TryGetPlugin(function.SinkType, out plugin);
        }

        var errors = FunctionValidator.Validate(function.ToDefinition(), plugin?.Routing);
        foreach (var error in errors)
        {
            map.Error(codeKey, file is null ? error.Message : FunctionFileReader.Describe(function, error));
        }

        return errors.Count == 0 ? function : null;
    }
}
