using System.Text.RegularExpressions;
using Acme.Sequin.JsonFiles;
using Sequin.Messages;
using Sequin.Sinks;

// Names the sink class, so the host finds it without scanning.
[assembly: SequinSinkPlugin(typeof(JsonFilesSink))]

namespace Acme.Sequin.JsonFiles;

/// <summary>
/// A sample third-party sink (<c>type: jsonfiles</c>): appends each change as one JSON line to a file in a folder. One
/// route key, <c>file</c>: by default <c>&lt;schema&gt;.&lt;table&gt;.jsonl</c>; a routing function may pick another.
/// </summary>
public sealed partial class JsonFilesSink : Sink<JsonFilesSinkOptions>
{
    /// <summary>The route key naming the file.</summary>
    public const string FileKey = "file";

    private static readonly RoutableKey[] Keys =
    [
        new(FileKey, "The file name in the folder (no path).")
        {
            Required = true,
            MaxLength = 255,
            AllowWhitespace = false,
            Pattern = FileName(),
            PatternDescription = "letters, digits, '.', '-' and '_' only",
        },
    ];

    /// <inheritdoc />
    public override string TypeName => "jsonfiles";

    /// <inheritdoc />
    public override string Description => "Appends each change as one JSON line to <directory>/<schema>.<table>.jsonl (a sample third-party sink).";

    /// <inheritdoc />
    public override IReadOnlyList<RoutableKey> RouteKeys => Keys;

    /// <inheritdoc />
    public override string DefaultRoutingFunction => """
        function route(action, record, changes, metadata) {
          return { file: `${metadata.table_schema}.${metadata.table_name}.jsonl` };
        }
        """;

    /// <summary>Batches share a file and are written one at a time.</summary>
    public override SinkLimits GetLimits(JsonFilesSinkOptions options) => new() { BatchBy = [FileKey], MaxConcurrentBatches = 1 };

    /// <inheritdoc />
    public override void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(route);
        route[FileKey] = message.Relation.Schema + "." + message.Relation.Table + ".jsonl";
    }

    /// <inheritdoc />
    public override ISinkDelivery CreateDelivery(JsonFilesSinkOptions options, SinkContext context) => new JsonFilesWriter(options);

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex FileName();
}
