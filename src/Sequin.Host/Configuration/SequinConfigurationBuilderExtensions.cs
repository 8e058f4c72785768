using System.Collections;
using Microsoft.Extensions.Configuration;
using Sequin.Sinks;

namespace Sequin.Host.Configuration;

/// <summary>Adds <c>sequin.yaml</c> and <c>SEQUIN_</c> environment variables to a configuration builder.</summary>
internal static class SequinConfigurationBuilderExtensions
{
    /// <summary>The prefix of environment variables that override <c>sequin.yaml</c> keys: <c>SEQUIN_SINKS__0__BATCH_SIZE=50</c>.</summary>
    public const string EnvironmentPrefix = "SEQUIN_";

    private static readonly string[] Sections = ["databases", "functions", "sinks"];

    /// <summary>Adds a <c>sequin.yaml</c> file.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The file; relative paths are resolved from the current directory.</param>
    /// <param name="getEnvironmentVariable">Looks up <c>${VAR}</c> references; null for the process environment.</param>
    /// <param name="optional">Whether a missing file is fine.</param>
    /// <param name="errors">Collects errors of single values (a missing <c>${VAR}</c>) instead of throwing; null to throw.</param>
    /// <param name="variables">Receives each <c>${VAR}</c> substituted and its value (used with <paramref name="errors"/>); null for none.</param>
    public static IConfigurationBuilder AddSequinYaml(
        this IConfigurationBuilder builder,
        string path,
        Func<string, string?>? getEnvironmentVariable = null,
        bool optional = false,
        ICollection<ConfigError>? errors = null,
        IDictionary<string, string>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        var source = new SequinYamlConfigurationSource
        {
            Path = full,
            Optional = optional,
            ReloadOnChange = false,
            GetEnvironmentVariable = getEnvironmentVariable ?? Environment.GetEnvironmentVariable,
            Errors = errors,
            Variables = variables,
        };
        source.ResolveFileProvider();
        return builder.Add(source);
    }

    /// <summary>
    /// Adds environment variables named <c>SEQUIN_&lt;KEY&gt;</c> (<c>__</c> separates levels) over <c>databases</c>,
    /// <c>functions</c> and <c>sinks</c>; other <c>SEQUIN_</c> variables are ignored. Keys are lower-cased.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="environment">The variables; null for the process environment.</param>
    public static IConfigurationBuilder AddSequinEnvironmentVariables(this IConfigurationBuilder builder, IDictionary? environment = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        environment ??= Environment.GetEnvironmentVariables();
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is not string name || !name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var key = name[EnvironmentPrefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal).ToLowerInvariant();
            var first = key.Split(':')[0];
            if (Sections.Contains(first, StringComparer.Ordinal))
            {
                data[key] = entry.Value as string;
            }
        }

        return builder.AddInMemoryCollection(data);
    }
}
