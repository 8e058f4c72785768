using System.Reflection;
using System.Text;
using Sequin.Sinks.Typesense;

namespace Sequin.Sinks.Typesense.Tests;

/// <summary>Pins the package's public API in PublicApi.approved.txt, so every API change shows up in review.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApiMatchesTheApprovedFile()
    {
        var actual = Describe(typeof(TypesenseSink).Assembly);
        var path = Path.Combine(TypesenseRoutedConsumerTests.RepoRoot(), "tests", "Sequin.Sinks.Typesense.Tests", "PublicApi.approved.txt");
        var approved = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : string.Empty;

        if (approved != actual)
        {
            File.WriteAllText(path + ".received", actual);
        }

        Assert.True(approved == actual, $"The public API changed. Review {path}.received and copy it over the approved file.\n{actual}");
    }

    private static string Describe(Assembly assembly)
    {
        var lines = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsSealed ? "sealed class" : "class";
            lines.Append(kind).Append(' ').Append(type.FullName);
            if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(Enum))
            {
                lines.Append(" : ").Append(Name(baseType));
            }

            lines.Append('\n');
            const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var members = type.GetMembers(flags)
                .Where(m => m switch
                {
                    MethodBase mb => (mb.IsPublic || mb.IsFamily || mb.IsFamilyOrAssembly) && !(mb is MethodInfo mi && mi.IsSpecialName),
                    FieldInfo f => (f.IsPublic || f.IsFamily) && !f.IsSpecialName,
                    PropertyInfo p => p.GetAccessors(true).Any(a => a.IsPublic || a.IsFamily),
                    _ => false,
                })
                .Select(Member)
                .OrderBy(s => s, StringComparer.Ordinal);
            foreach (var member in members)
            {
                lines.Append("  ").Append(member).Append('\n');
            }
        }

        return lines.ToString();
    }

    private static string Member(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo m => $"{(m.IsStatic ? "static " : string.Empty)}{(m.IsFamily ? "protected " : string.Empty)}{Name(m.ReturnType)} {m.Name}({Parameters(m)})",
        PropertyInfo p => $"{Name(p.PropertyType)} {p.Name} {{ {(p.GetMethod is { } g && (g.IsPublic || g.IsFamily) ? "get; " : string.Empty)}{(p.SetMethod is { } s && (s.IsPublic || s.IsFamily) ? "set; " : string.Empty)}}}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}{Name(f.FieldType)} {f.Name}",
        _ => member.Name,
    };

    private static string Parameters(MethodBase method) => string.Join(", ", method.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));

    private static string Name(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>"
        : type.Name;
}
