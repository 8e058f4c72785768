using System.Reflection;
using System.Runtime.Serialization;
using Sequin.Sinks;

namespace Sequin.Configuration;

/// <summary>
/// The YAML names of an enum's members, as the sinks' options name them: a member's <see cref="EnumMemberAttribute.Value"/>
/// when it has one (<c>verify-ca</c>, <c>iso8601</c>), otherwise its name in snake_case (<c>UnixMicrosecond</c> ⇒
/// <c>unix_microsecond</c>). Loader and exporter both use these names, so a value always exports as it was read.
/// </summary>
internal static class ConfigEnum
{
    /// <summary>The YAML name of <paramref name="value"/>.</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        var member = typeof(TEnum).GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static)
            ?? throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a member of {typeof(TEnum).Name}.");
        return member.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? SinkNames.SnakeCase(member.Name);
    }

    /// <summary>Finds the member named <paramref name="text"/> (ignoring case and surrounding spaces) among <paramref name="allowed"/>.</summary>
    public static bool TryParse<TEnum>(string text, IReadOnlyList<TEnum> allowed, out TEnum value)
        where TEnum : struct, Enum
    {
        foreach (var member in allowed)
        {
            if (string.Equals(Name(member), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = member;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The YAML names of <paramref name="allowed"/>, comma-separated, for error messages.</summary>
    public static string List<TEnum>(IEnumerable<TEnum> allowed)
        where TEnum : struct, Enum => string.Join(", ", allowed.Select(Name));
}
