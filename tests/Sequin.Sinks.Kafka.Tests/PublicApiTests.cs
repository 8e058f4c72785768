using System.Reflection;
using System.Runtime.CompilerServices;

namespace Sequin.Sinks.Kafka.Tests;

/// <summary>Pins the package's public API: a change shows up as a diff of <c>PublicApi.approved.txt</c> in review.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApiMatchesTheApprovedList()
    {
        var actual = Describe(typeof(KafkaSink).Assembly);
        var approvedPath = Path.Combine(SourceDirectory(), "PublicApi.approved.txt");
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;

        if (actual != approved)
        {
            File.WriteAllText(Path.Combine(SourceDirectory(), "PublicApi.received.txt"), actual);
        }

        Assert.Equal(approved, actual);
    }

    private static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : (type.IsAbstract && type.IsSealed) ? "static class" : type.IsSealed ? "sealed class" : "class";
            var baseType = type.BaseType is { } b && b != typeof(object) && b != typeof(Enum) && b != typeof(ValueType) ? " : " + Name(b) : string.Empty;
            lines.Add($"{kind} {type.FullName}{baseType}");
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var members = type.GetMembers(flags)
                .Where(m => m is not MethodInfo { IsSpecialName: true } and not FieldInfo { IsSpecialName: true })
                .Select(m => "  " + Member(m))
                .Order(StringComparer.Ordinal);
            lines.AddRange(members);
        }

        return string.Join("\n", lines) + "\n";
    }

    private static string Member(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c.GetParameters())})",
        MethodInfo m => $"{(m.IsStatic ? "static " : string.Empty)}{Name(m.ReturnType)} {m.Name}({Parameters(m.GetParameters())})",
        PropertyInfo p => $"{Name(p.PropertyType)} {p.Name} {{{(p.GetMethod?.IsPublic == true ? " get;" : string.Empty)}{(p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)) ? " init;" : " set;") : string.Empty)} }}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}{Name(f.FieldType)} {f.Name}",
        _ => member.ToString() ?? member.Name,
    };

    private static string Parameters(ParameterInfo[] parameters) =>
        string.Join(", ", parameters.Select(p => $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));

    private static string Name(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return Name(inner) + "?";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        return type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
