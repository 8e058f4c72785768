using System.Text.RegularExpressions;
using Sequin.Messages;
using Sequin.Sinks;

namespace Acme.Sequin.JsonFiles;

/// <summary>One routable key, <c>file</c>: the file in the folder a change goes to; by default <c>&lt;schema&gt;.&lt;table&gt;.jsonl</c>.</summary>
internal sealed partial class JsonFilesRoutedConsumer : RoutedConsumer<JsonFilesSinkOptions>
{
    public const string FileKey = "file";

    public override IReadOnlyList<RoutableKey> Keys { get; } =
    [
        new RoutableKey(FileKey, "The file name in the folder (no path).")
        {
            Required = true,
            MaxLength = 255,
            AllowWhitespace = false,
            Pattern = FileName(),
            PatternDescription = "letters, digits, '.', '-' and '_' only",
        },
    ];

    public override string DefaultRoutingFunction =>
        """
        function route(action, record, changes, metadata) {
          return { file: metadata.table_schema + "." + metadata.table_name + ".jsonl" };
        }

        """;

    public override void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(route);
        route[FileKey] = message.Relation.Schema + "." + message.Relation.Table + ".jsonl";
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex FileName();
}
