using System.Net.Sockets;
using Npgsql;

namespace Sequin.Replication;

/// <summary>How replication failures are told apart and described in one log line.</summary>
internal static class ReplicationFailure
{
    /// <summary>
    /// Whether <paramref name="exception"/> is a connection failure that reconnecting can cure (a dropped connection, a
    /// timeout, a server that is restarting or holds the slot for another process), as opposed to a missing or
    /// unusable slot or publication, which stops reading.
    /// </summary>
    public static bool IsTransient(Exception exception) =>
        exception is NpgsqlException or IOException or SocketException or TimeoutException or EndOfStreamException
        || (exception is OperationCanceledException && exception.InnerException is TimeoutException or NpgsqlException);

    /// <summary>The messages of an exception and its causes, on one line (PostgreSQL errors with their SQLSTATE).</summary>
    public static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (var e = exception; e is not null && parts.Count < 4; e = e.InnerException)
        {
            var text = e is PostgresException pg ? $"{pg.MessageText} (SQLSTATE {pg.SqlState})" : e.Message;
            if (!string.IsNullOrWhiteSpace(text) && !parts.Contains(text, StringComparer.Ordinal))
            {
                parts.Add(text.TrimEnd('.'));
            }
        }

        return parts.Count == 0 ? exception.GetType().Name : string.Join(": ", parts);
    }
}
