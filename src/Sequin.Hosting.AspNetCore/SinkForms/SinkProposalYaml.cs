using System.Globalization;
using System.Text;
using Sequin.Configuration;
using Sequin.Sinks;

namespace Sequin.Hosting.AspNetCore.SinkForms;

/// <summary>
/// Writes a valid <see cref="SinkProposal"/> as the <c>sequin.yaml</c> block to add: the routing function under
/// <c>functions:</c> (dynamic routing) and the sink under <c>sinks:</c>. Only the values given are written, not those
/// equal to their default. A secret is never written: its key references an environment variable
/// (<c>${ORDERS_PASSWORD}</c>) that the block's comment names, as <c>sequin config export</c> never writes one either.
/// Strings are double-quoted and <c>${</c> in them is written <c>$${</c>, so substitution leaves them as typed.
/// </summary>
internal static class SinkProposalYaml
{
    /// <summary>The block and the environment variables it references.</summary>
    public static (string Yaml, IReadOnlyList<string> Variables) Write(ISinkPlugin plugin, SinkProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(proposal);
        var name = proposal.Name?.Trim() ?? string.Empty;
        var fields = plugin.Schema.Fields.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        var variables = new List<string>();
        var destination = new List<string>();
        foreach (var (key, value) in SinkProposalValidator.GivenValues(plugin, proposal))
        {
            var field = fields.GetValueOrDefault(key);
            if (field is { Type: SinkFieldType.Map })
            {
                destination.Add($"      {field.Name}: {Map(name, field, value, variables)}");
                continue;
            }

            if (field is { Secret: true })
            {
                var variable = Variable(name, field.Name);
                variables.Add(variable);
                destination.Add($"      {field.Name}: \"${{{variable}}}\"");
                continue;
            }

            if (field?.DefaultValue is { } defaultValue && string.Equals(defaultValue, value, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var plain = field?.Type is SinkFieldType.WholeNumber or SinkFieldType.Boolean;
            destination.Add($"      {key}: {(plain ? value.ToLowerInvariant() : Quote(value))}");
        }

        using var w = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        if (variables.Count > 0)
        {
            w.WriteLine($"# Set before starting the host: {string.Join(", ", variables)} (secrets are not written here).");
        }

        if (proposal.IsDynamic)
        {
            w.WriteLine("functions:");
            w.WriteLine($"  - name: {Quote(SinkProposalValidator.FunctionName(proposal))}");
            w.WriteLine("    type: routing");
            w.WriteLine($"    sink_type: {Quote(plugin.TypeName)}");
            SequinConfigExporter.WriteCode(w, SinkProposalValidator.FunctionCode(proposal), "    ");
        }

        w.WriteLine("sinks:");
        w.WriteLine($"  - name: {Quote(name)}");
        w.WriteLine($"    database: {Quote(proposal.Database?.Trim() ?? string.Empty)}");
        var tables = (proposal.Tables ?? []).Select(t => t.Trim()).Where(t => t.Length > 0).ToList();
        if (tables.Count > 0)
        {
            w.WriteLine($"    source: {{ include_tables: [{string.Join(", ", tables.Select(Quote))}] }}");
        }

        if (proposal.IsDynamic)
        {
            w.WriteLine($"    routing: {Quote(SinkProposalValidator.FunctionName(proposal))}");
        }

        w.WriteLine("    destination:");
        w.WriteLine($"      type: {Quote(plugin.TypeName)}");
        foreach (var line in destination)
        {
            w.WriteLine(line);
        }

        return (w.ToString(), variables);
    }

    /// <summary>
    /// A map as a YAML flow map, <c>{ "X-Source": "sequin" }</c>; a secret map's names are written and each value
    /// references a variable named after the sink, the key and the name (<c>ORDERS_ENCRYPTED_HEADERS_AUTHORIZATION</c>).
    /// </summary>
    private static string Map(string sinkName, SinkField field, string text, List<string> variables)
    {
        var (entries, _) = SinkProposalMap.Parse(text);
        var items = new List<string>();
        foreach (var (name, value) in entries)
        {
            if (field.Secret)
            {
                var variable = Variable(sinkName, field.Name + "_" + name);
                variables.Add(variable);
                items.Add($"{Quote(name)}: \"${{{variable}}}\"");
            }
            else
            {
                items.Add($"{Quote(name)}: {Quote(value)}");
            }
        }

        return items.Count == 0 ? "{}" : "{ " + string.Join(", ", items) + " }";
    }

    /// <summary>The environment variable a secret references: sink name and key in upper snake case, e.g. <c>ORDERS_PASSWORD</c>.</summary>
    public static string Variable(string sinkName, string key)
    {
        var sb = new StringBuilder();
        foreach (var c in (sinkName + "_" + key).ToUpperInvariant())
        {
            var ok = c is (>= 'A' and <= 'Z') or (>= '0' and <= '9');
            if (ok || (sb.Length > 0 && sb[^1] != '_'))
            {
                sb.Append(ok ? c : '_');
            }
        }

        var text = sb.ToString().TrimEnd('_');
        return text.Length > 0 && char.IsDigit(text[0]) ? "_" + text : text;
    }

    /// <summary>Double-quoted, <c>${</c> written <c>$${</c> (a literal one; <c>${</c> is a variable reference in sequin.yaml).</summary>
    private static string Quote(string value) => SequinConfigExporter.Quote(value);
}
