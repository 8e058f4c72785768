using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Sequin.Functions;

/// <summary>
/// An enrichment function (<c>type: enrichment</c>): a SQL query run once per batch against the source database. As in
/// the original, its parameters are the batch's primary-key values, one array per primary-key column in alphabetical
/// order of the column names (<c>$1</c>, <c>$2</c>, ...); it must select every primary-key column, and each row it returns
/// is matched back to the message with the same primary key and becomes that message's <c>metadata.enrichment</c>
/// (an object of the selected columns). A message without a row gets null; two rows for one message are an error.
/// </summary>
/// <remarks>
/// The arrays are sent as text literals of unspecified type, so the server infers their type from the query
/// (<c>id = ANY($1)</c> makes <c>$1</c> an <c>int[]</c> when <c>id</c> is an integer). Where it cannot (<c>unnest($1, $2)</c>),
/// the query casts (<c>unnest($1::int[], $2::text[])</c>). The query is wrapped as a subquery to read the selected
/// primary-key columns as text and each row as JSON, so it must be a single <c>SELECT</c> (a trailing semicolon is allowed).
/// </remarks>
internal sealed class EnrichmentQuery
{
    /// <summary>How long one enrichment query may run before its batch fails (retried): 15 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The most connections of the pool each source database gets for enrichment queries.</summary>
    public const int MaxPoolSize = 4;

    private const char KeySeparator = '\u001f';
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeSpan _timeout;

    /// <summary>Creates the query of a function; <paramref name="dataSource"/> is the source database's (small) pool, owned by the caller.</summary>
    public EnrichmentQuery(string name, string sql, NpgsqlDataSource dataSource, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        ArgumentNullException.ThrowIfNull(dataSource);
        Name = name;
        Sql = sql.TrimEnd().TrimEnd(';').TrimEnd();
        _dataSource = dataSource;
        _timeout = timeout;
    }

    /// <summary>The function's name; errors name it.</summary>
    public string Name { get; }

    /// <summary>The SQL, without a trailing semicolon.</summary>
    public string Sql { get; }

    /// <summary>The key <see cref="RunAsync"/> files a message's enrichment under: its primary-key values in alphabetical order of the column names.</summary>
    public static string KeyOf(IReadOnlyList<KeyValuePair<string, string?>> primaryKey)
    {
        ArgumentNullException.ThrowIfNull(primaryKey);
        return string.Join(KeySeparator, primaryKey.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value ?? string.Empty));
    }

    /// <summary>
    /// Runs the query once for the primary keys of a batch (each a list of column name and text value, every one with the
    /// same columns) and returns each found row as JSON, by <see cref="KeyOf"/>. Keys without a row are absent.
    /// </summary>
    /// <exception cref="FunctionException">The query failed, timed out or returned two rows for one message; the message names the function.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<IReadOnlyDictionary<string, string>> RunAsync(IReadOnlyList<IReadOnlyList<KeyValuePair<string, string?>>> primaryKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(primaryKeys);
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (primaryKeys.Count == 0)
        {
            return found;
        }

        var columns = primaryKeys[0].Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();
        var values = new List<string?>[columns.Length];
        for (var c = 0; c < columns.Length; c++)
        {
            values[c] = [];
        }

        foreach (var key in primaryKeys)
        {
            foreach (var (column, value) in key)
            {
                var index = Array.IndexOf(columns, column);
                if (index < 0)
                {
                    throw new FunctionException(Failure($"the messages of one batch have different primary-key columns ({string.Join(", ", columns)} and {column})"));
                }

                values[index].Add(value);
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            var command = _dataSource.CreateCommand(WrappedSql(columns));
            await using var commandScope = command.ConfigureAwait(false);
            foreach (var list in values)
            {
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Unknown, Value = ArrayLiteral(list) });
            }

            var reader = await command.ExecuteReaderAsync(timeout.Token).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(timeout.Token).ConfigureAwait(false))
            {
                var parts = new string[columns.Length];
                for (var c = 0; c < columns.Length; c++)
                {
                    parts[c] = reader.IsDBNull(c + 1) ? string.Empty : reader.GetString(c + 1);
                }

                var key = string.Join(KeySeparator, parts);
                if (!found.TryAdd(key, reader.GetString(0)))
                {
                    throw new FunctionException(Failure($"it returned more than one row for the message with primary key {Describe(columns, parts)}; it must return 0 or 1 row per message"));
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FunctionException(Failure($"the query did not finish within {_timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms"));
        }
        catch (PostgresException e)
        {
            throw new FunctionException(Failure($"{e.SqlState}: {e.MessageText}{Hint(e, columns)}"), e);
        }
        catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FunctionException(Failure(e.Message), e);
        }

        return found;
    }

    private static string Hint(PostgresException e, string[] columns) =>
        e.SqlState == PostgresErrorCodes.UndefinedColumn && e.MessageText.Contains("enrichment.", StringComparison.Ordinal)
            ? $" (the query must select every primary-key column: {string.Join(", ", columns)})"
            : string.Empty;

    private static string Describe(string[] columns, string[] values) =>
        string.Join(", ", columns.Select((c, i) => $"{c}={values[i]}"));

    private static string ArrayLiteral(List<string?> values)
    {
        var text = new StringBuilder("{");
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            if (values[i] is not { } value)
            {
                text.Append("NULL");
                continue;
            }

            text.Append('"');
            foreach (var ch in value)
            {
                if (ch is '"' or '\\')
                {
                    text.Append('\\');
                }

                text.Append(ch);
            }

            text.Append('"');
        }

        return text.Append('}').ToString();
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private string WrappedSql(string[] columns) =>
        $"SELECT row_to_json(enrichment)::text, {string.Join(", ", columns.Select(c => $"enrichment.{Quote(c)}::text"))} FROM (\n{Sql}\n) AS enrichment";

    private FunctionError Failure(string reason) =>
        new(Name, $"Enrichment function '{Name}' failed: {reason}.", null, null);
}
