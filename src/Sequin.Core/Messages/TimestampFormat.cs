using System.Runtime.Serialization;

namespace Sequin.Messages;

/// <summary>How timestamps in <c>record</c> and <c>changes</c> are written. Metadata timestamps are always ISO 8601.</summary>
public enum TimestampFormat
{
    /// <summary>ISO 8601 strings, e.g. <c>2025-03-01T10:00:00.123456Z</c>. The default. YAML: <c>iso8601</c>.</summary>
    [EnumMember(Value = "iso8601")]
    Iso8601,

    /// <summary>Integer microseconds since the Unix epoch. YAML: <c>unix_microsecond</c>.</summary>
    UnixMicrosecond,
}
