using System.Net.Sockets;
using Npgsql;

namespace Sequin.Sinks.Postgres.Internal;

/// <summary>
/// What a failure means for a batch, and its text. Retried: the server unreachable or going away, timeouts,
/// refused credentials or privileges, lock and resource errors (classes 08, 28, 40, 53, 55, 57, 58, XX and every
/// failure below SQL). Permanent (the message parks, the slot moves on): the data or the table's shape, a value
/// the target column does not take, a constraint it breaks, a column or table that is missing (classes 22, 23, 42
/// but 42501). Texts name the server and never hold the password.
/// </summary>
internal static class PostgresErrors
{
    /// <summary>Whether <paramref name="exception"/> is about the rows (retrying the same rows cannot help).</summary>
    public static bool IsPermanent(Exception exception) => exception switch
    {
        TargetMismatchException => true,
        PostgresException pg => pg.SqlState switch
        {
            "42501" => false, // insufficient privilege: a GRANT fixes every message at once
            _ => pg.SqlState.StartsWith("22", StringComparison.Ordinal) || pg.SqlState.StartsWith("23", StringComparison.Ordinal) || pg.SqlState.StartsWith("42", StringComparison.Ordinal),
        },
        _ => false,
    };

    /// <summary>Whether the table's shape may have changed (the catalog is read again on the next try).</summary>
    public static bool IsAboutTheTable(Exception exception) =>
        exception is TargetMismatchException || (exception is PostgresException pg && pg.SqlState.StartsWith("42", StringComparison.Ordinal));

    /// <summary>Whether the exception is one talking to PostgreSQL throws (as opposed to a bug).</summary>
    public static bool IsPostgresFailure(Exception exception) =>
        exception is NpgsqlException or TargetMismatchException or TimeoutException or SocketException or IOException
            or OperationCanceledException;

    /// <summary>Whether the server refused the credentials (28000, 28P01).</summary>
    public static bool IsAuthenticationFailure(Exception exception) => exception is PostgresException { SqlState: "28000" or "28P01" };

    /// <summary>An error text naming the server (and the credentials' keys for a refused login), without the password.</summary>
    public static string Describe(Exception exception, PostgresSinkOptions options)
    {
        var server = options.Describe();
        if (exception is TargetMismatchException)
        {
            return exception.Message;
        }

        var own = Scrub(Flatten(exception), options);
        if (IsAuthenticationFailure(exception))
        {
            return $"PostgreSQL at {server} refused the credentials of user '{options.Username}': check 'username' and 'password'. PostgreSQL said: {own}";
        }

        return exception switch
        {
            PostgresException pg => $"PostgreSQL at {server} refused the batch: {own}{(pg.Detail is { Length: > 0 } && !IsSecretBearing(pg) ? " (" + Scrub(pg.Detail, options) + ")" : string.Empty)}",
            TimeoutException or OperationCanceledException or NpgsqlException { InnerException: TimeoutException } =>
                $"PostgreSQL at {server} did not answer within timeout_ms ({options.TimeoutMs} ms): {own}",
            _ => $"PostgreSQL at {server} cannot be reached: {own} ({exception.GetType().Name})",
        };
    }

    // A constraint violation's detail holds the row's key and values ("Key (id)=(7) already exists."): it is the
    // destination's own text and says which row; values of other columns are not in it.
    private static bool IsSecretBearing(PostgresException exception) => exception.SqlState.StartsWith("28", StringComparison.Ordinal);

    private static string Flatten(Exception exception)
    {
        var text = exception.Message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!text.Contains(inner.Message, StringComparison.Ordinal))
            {
                text += " (" + inner.Message + ")";
            }
        }

        return text;
    }

    private static string Scrub(string text, PostgresSinkOptions options) =>
        options.Password is { Length: > 0 } password ? text.Replace(password, "***", StringComparison.Ordinal) : text;
}
