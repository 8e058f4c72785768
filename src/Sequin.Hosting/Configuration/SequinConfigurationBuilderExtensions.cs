using System.Collections;
using Sequin.Hosting.Configuration;
using Sequin.Sinks;

namespace Microsoft.Extensions.Configuration;

/// <summary>
/// Adds <c>sequin.yaml</c> and <c>SEQUIN_</c> environment variables to a configuration builder, as the <c>sequin</c>
/// host does: <c>builder.Configuration.AddSequinYaml("sequin.yaml").AddSequinEnvironmentVariables()</c>, then
/// <c>services.AddSequin(builder.Configuration)</c>.
/// </summary>
public static class SequinConfigurationBuilderExtensions
{
    /// <summary>The prefix of environment variables that override <c>sequin.yaml</c> keys: <c>SEQUIN_SINKS__0__BATCH_SIZE=50</c>.</summary>
    public const string EnvironmentPrefix = "SEQUIN_";

    private static readonly string[] Sections = ["databases", "functions", "sinks"];

    /// <summary>Adds a <c>sequin.yaml</c> file.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The file; relative paths are resolved from the current directory.</param>
    /// <param name="getEnvironmentVariable">Looks up <c>${VAR}</c> references; null for the process environment.</param>
    /// <param name="optional">Whether a missing file is fine.</param>
    /// <param name="sectionPath">
    /// Where the file's keys go: null for the root (as the <c>sequin</c> tool reads them), or a section such as
    /// <c>sequin</c> in an application whose configuration holds other keys too; then pass
    /// <c>configuration.GetSection("sequin")</c> to <c>AddSequin</c>.
    /// </param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="Sequin.Configuration.SequinConfigurationException">
    /// When the configuration is built: the file is not valid YAML, or a <c>${VAR}</c> without a default is not set
    /// (each error names the key and line).
    /// </exception>
    /// <param name="errors">Collects errors of single values (a missing <c>${VAR}</c>) instead of throwing; null to throw.</param>
    /// <param name="variables">Receives each <c>${VAR}</c> substituted and its value (used with <paramref name="errors"/>); null for none.</param>
    public static IConfigurationBuilder AddSequinYaml(
        this IConfigurationBuilder builder,
        string path,
        Func<string, string?>? getEnvironmentVariable = null,
        bool optional = false,
        string? sectionPath = null,
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
            SectionPath = string.IsNullOrEmpty(sectionPath) ? null : sectionPath,
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
    /// <param name="sectionPath">The section the keys go under, as given to <see cref="AddSequinYaml"/>; null for the root.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static IConfigurationBuilder AddSequinEnvironmentVariables(this IConfigurationBuilder builder, IDictionary? environment = null, string? sectionPath = null)
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
                data[string.IsNullOrEmpty(sectionPath) ? key : ConfigurationPath.Combine(sectionPath, key)] = entry.Value as string;
            }
        }

        return builder.AddInMemoryCollection(data);
    }
}
