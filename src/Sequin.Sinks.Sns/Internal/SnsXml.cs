using System.Xml;
using System.Xml.Linq;

namespace Sequin.Sinks.Sns.Internal;

/// <summary>
/// Reads SNS Query API responses. Elements are matched by local name, so the namespace (AWS's
/// <c>http://sns.amazonaws.com/doc/2010-03-31/</c>, or none from some emulators) does not matter.
/// </summary>
internal static class SnsXml
{
    public static XElement Parse(string text)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(text), settings);
        return XElement.Load(reader);
    }

    /// <summary>Reads an <c>ErrorResponse</c> (or a bare <c>Error</c>); null when the document is neither.</summary>
    public static SnsError? ReadError(XElement root, int status)
    {
        var error = root.Name.LocalName == "Error" ? root : Child(root, "Error");
        if (error is null)
        {
            return null;
        }

        var code = Text(error, "Code") ?? "Unknown";
        var message = Text(error, "Message") ?? code;
        var requestId = Text(root, "RequestId") ?? Text(error, "RequestId") ?? Text(Child(root, "ResponseMetadata"), "RequestId");
        return new SnsError(code, message, status, requestId);
    }

    public static string? RequestId(XElement root) => Text(Child(root, "ResponseMetadata"), "RequestId");

    public static SnsPublishBatchResponse ReadPublishBatch(XElement root)
    {
        var result = Required(root, "PublishBatchResult");
        var successful = Members(Child(result, "Successful"))
            .Select(m => new SnsBatchResultEntry(Text(m, "Id") ?? string.Empty, Text(m, "MessageId") ?? string.Empty))
            .ToList();
        var failed = Members(Child(result, "Failed"))
            .Select(m => new SnsBatchResultErrorEntry(
                Text(m, "Id") ?? string.Empty,
                Text(m, "Code") ?? "Unknown",
                Text(m, "Message"),
                !string.Equals(Text(m, "SenderFault"), "false", StringComparison.OrdinalIgnoreCase)))
            .ToList();
        return new SnsPublishBatchResponse(successful, failed);
    }

    public static string ReadPublish(XElement root) => Text(Required(root, "PublishResult"), "MessageId") ?? string.Empty;

    public static string ReadCreateTopic(XElement root) =>
        Text(Required(root, "CreateTopicResult"), "TopicArn") ?? throw new FormatException("CreateTopicResult has no TopicArn.");

    public static IReadOnlyDictionary<string, string> ReadTopicAttributes(XElement root)
    {
        var attributes = Child(Required(root, "GetTopicAttributesResult"), "Attributes");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (attributes is not null)
        {
            foreach (var entry in attributes.Elements().Where(e => e.Name.LocalName == "entry"))
            {
                if (Text(entry, "key") is { } key)
                {
                    map[key] = Text(entry, "value") ?? string.Empty;
                }
            }
        }

        return map;
    }

    public static SnsTopicPage ReadListTopics(XElement root)
    {
        var result = Required(root, "ListTopicsResult");
        var arns = Members(Child(result, "Topics")).Select(m => Text(m, "TopicArn")).OfType<string>().ToList();
        var next = Text(result, "NextToken");
        return new SnsTopicPage(arns, string.IsNullOrEmpty(next) ? null : next);
    }

    private static XElement Required(XElement root, string name) =>
        (root.Name.LocalName == name ? root : Child(root, name)) ?? throw new FormatException($"Response has no {name} element (got <{root.Name.LocalName}>).");

    private static XElement? Child(XElement? parent, string name) => parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    private static IEnumerable<XElement> Members(XElement? list) => list?.Elements().Where(e => e.Name.LocalName == "member") ?? [];

    private static string? Text(XElement? parent, string name) => Child(parent, name)?.Value;
}
