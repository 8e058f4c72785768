using System.Text.RegularExpressions;

namespace Sequin.Sinks.Sns;

/// <summary>
/// The schema of the SNS sink's <c>destination:</c> section: <c>topic_arn</c> (routable), <c>region</c>,
/// <c>access_key_id</c>, <c>secret_access_key</c> (secret), <c>use_task_role</c>, <c>endpoint_url</c> and
/// <c>message_group</c>. Credentials are given exactly one way: explicit keys, or <c>use_task_role: true</c>.
/// </summary>
public sealed partial class SnsSinkSchema : SinkSchema<SnsSinkOptions>
{
    /// <summary>Declares the fields.</summary>
    public SnsSinkSchema()
    {
        AddString(
            new SinkField("topic_arn", SinkFieldType.Text, "The SNS topic ARN to publish to; a name ending in .fifo makes it a FIFO topic.")
            {
                Routable = true,
                MaxLength = SnsTopicArn.MaxLength,
            },
            o => o.TopicArn,
            (o, v) => o.TopicArn = v,
            v => SnsTopicArn.IsValid(v) ? null : $"Must be {SnsTopicArn.Description} (got '{v}').");
        AddString(
            new SinkField("region", SinkFieldType.Text, "The AWS region, e.g. us-east-1. Inferred from topic_arn when absent."),
            o => o.Region,
            (o, v) => o.Region = v,
            v => RegionPattern().IsMatch(v) ? null : $"Must be an AWS region such as us-east-1 (got '{v}').");
        AddString(
            new SinkField("access_key_id", SinkFieldType.Text, "The AWS access key id. Required unless use_task_role is true."),
            o => o.AccessKeyId,
            (o, v) => o.AccessKeyId = v);
        AddString(
            new SinkField("secret_access_key", SinkFieldType.Text, "The AWS secret access key. Required unless use_task_role is true.") { Secret = true },
            o => o.SecretAccessKey,
            (o, v) => o.SecretAccessKey = v);
        AddBoolean(
            new SinkField("use_task_role", SinkFieldType.Boolean, "Use the standard AWS credential chain (environment, profile, web identity, ECS task role, EC2 instance role) instead of keys.")
            {
                DefaultValue = "false",
            },
            o => o.UseTaskRole,
            (o, v) => o.UseTaskRole = v);
        AddString(
            new SinkField("endpoint_url", SinkFieldType.Url, "Call this SNS endpoint instead of AWS's, e.g. an emulator or LocalStack (http://127.0.0.1:4566)."),
            o => o.EndpointUrl?.OriginalString,
            (o, v) => o.EndpointUrl = new Uri(v, UriKind.Absolute),
            v => v.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || v.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                ? null
                : $"Must be an http:// or https:// URL (got '{v}').");
        AddEnum<SnsMessageGroup>(
            new SinkField("message_group", SinkFieldType.Enum, "For FIFO topics, the MessageGroupId source: group_id (the row's ordering group) or table.")
            {
                DefaultValue = "group_id",
            },
            o => o.MessageGroup,
            (o, v) => o.MessageGroup = v);
    }

    /// <inheritdoc />
    protected override void Validate(SnsSinkOptions options, RoutingMode mode, Action<string, string> report)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        if (options.Region is null && options.TopicArn is null)
        {
            report("region", "Required when routing is dynamic: there is no topic_arn to infer it from.");
        }
        else if (options.Region is null && options.EffectiveRegion is null)
        {
            report("region", "Could not infer region from topic_arn; set region.");
        }
        else if (options.Region is not null && options.EndpointUrl is null && options.TopicArn is not null
                 && SnsTopicArn.TryGetRegion(options.TopicArn, out var arnRegion) && !string.Equals(arnRegion, options.Region, StringComparison.Ordinal))
        {
            report("region", $"'{options.Region}' differs from the region of topic_arn ('{arnRegion}'); SNS only accepts a topic's requests in its own region.");
        }

        var hasKey = !string.IsNullOrEmpty(options.AccessKeyId);
        var hasSecret = !string.IsNullOrEmpty(options.SecretAccessKey);
        if (options.UseTaskRole)
        {
            if (hasKey || hasSecret)
            {
                report(hasKey ? "access_key_id" : "secret_access_key", "Give either use_task_role: true (the standard AWS credential chain) or access_key_id and secret_access_key, not both.");
            }
        }
        else if (!hasKey && !hasSecret)
        {
            report("access_key_id", "Credentials are required: set access_key_id and secret_access_key, or use_task_role: true for the standard AWS credential chain.");
        }
        else if (!hasKey)
        {
            report("access_key_id", "Required with secret_access_key.");
        }
        else if (!hasSecret)
        {
            report("secret_access_key", "Required with access_key_id.");
        }
    }

    [GeneratedRegex("^[a-z0-9-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();
}
