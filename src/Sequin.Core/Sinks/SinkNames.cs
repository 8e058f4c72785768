namespace Sequin.Sinks;

/// <summary>Naming helpers shared by sink schemas.</summary>
public static class SinkNames
{
    /// <summary>Converts a PascalCase name to snake_case, digits starting a new word: <c>ScramSha256</c> ⇒ <c>scram_sha_256</c>.</summary>
    public static string SnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var boundary = i > 0 && (char.IsUpper(c) || (char.IsDigit(c) && !char.IsDigit(name[i - 1])));
            if (boundary)
            {
                sb.Append('_');
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }
}
