using Microsoft.Extensions.Configuration;
using Sequin.Functions;

namespace Sequin.Configuration;

/// <summary>Resolves a sink's <c>routing</c>, <c>filter</c> and <c>transform</c>: each names a function of that kind, or <c>none</c>.</summary>
internal static class SinkFunctionsReader
{
    /// <summary>The function name under <paramref name="key"/>, or null for absent or <c>none</c>.</summary>
    public static string? ReadName(ConfigMap sink, string key)
    {
        var value = sink.String(key)?.Trim();
        return value is null || string.Equals(value, "none", StringComparison.OrdinalIgnoreCase) ? null : value;
    }

    /// <summary>
    /// The function named <paramref name="name"/>, or null (reported) when it is not defined or of another kind. A function
    /// that is defined but invalid has its own errors under <c>functions[...]</c> and is not reported again here.
    /// </summary>
    public static FunctionConfig? Resolve(
        ConfigMap sink, string key, string? name, FunctionKind expected, IReadOnlyList<IConfigurationSection> functionItems, IReadOnlyList<FunctionConfig> functions)
    {
        if (name is null)
        {
            return null;
        }

        var function = functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));
        if (function is null)
        {
            if (!functionItems.Any(f => string.Equals(f["name"], name, StringComparison.Ordinal)))
            {
                var known = functions.Count == 0 ? "No functions are defined." : $"Defined functions: {string.Join(", ", functions.Select(f => f.Name))}.";
                sink.Error(key, $"Function '{name}' is not defined in functions. {known}");
            }

            return null;
        }

        if (function.Kind != expected)
        {
            var (actual, wanted) = (ConfigEnum.Name(function.Kind), ConfigEnum.Name(expected));
            sink.Error(key, $"Function '{name}' is {Article(actual)} {actual} function; {wanted} needs {Article(wanted)} {wanted} function.");
            return null;
        }

        return function;
    }

    private static string Article(string word) => "aeiou".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";
}
