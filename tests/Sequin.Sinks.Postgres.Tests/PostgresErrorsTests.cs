using Npgsql;
using Sequin.Sinks.Postgres.Internal;

namespace Sequin.Sinks.Postgres.Tests;

/// <summary>Which failures park a row (about the rows) and which are retried (about the server), and their texts.</summary>
public sealed class PostgresErrorsTests
{
    private static readonly PostgresSinkOptions Options = new() { Hostname = "db.internal", Port = 5433, Database = "copy", Username = "writer", Password = "pw-in-text-9" };

    [Theory]
    [InlineData("23505", true)]  // unique violation
    [InlineData("23514", true)]  // check violation
    [InlineData("22003", true)]  // numeric out of range
    [InlineData("22P02", true)]  // invalid text for the type
    [InlineData("42703", true)]  // undefined column
    [InlineData("42P01", true)]  // undefined table
    [InlineData("42501", false)] // insufficient privilege: a GRANT fixes every row
    [InlineData("57P01", false)] // admin shutdown
    [InlineData("40P01", false)] // deadlock
    [InlineData("53300", false)] // too many connections
    [InlineData("28P01", false)] // wrong password
    public void ErrorsAboutTheRowsArePermanentAndErrorsAboutTheServerAreRetried(string sqlState, bool permanent) =>
        Assert.Equal(permanent, PostgresErrors.IsPermanent(new PostgresException("m", "ERROR", "ERROR", sqlState)));

    [Fact]
    public void ARefusedPasswordNamesTheServerUserAndKeysButNotThePassword()
    {
        var text = PostgresErrors.Describe(new PostgresException("password authentication failed for user \"writer\" (pw-in-text-9)", "FATAL", "FATAL", "28P01"), Options);

        Assert.StartsWith("PostgreSQL at db.internal:5433/copy refused the credentials of user 'writer': check 'username' and 'password'.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-in-text-9", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AConnectionFailureIsRetryableAndNamesTheServer()
    {
        var failure = new NpgsqlException("Failed to connect to 127.0.0.1:5433", new System.Net.Sockets.SocketException(111));

        Assert.False(PostgresErrors.IsPermanent(failure));
        Assert.True(PostgresErrors.IsPostgresFailure(failure));
        Assert.StartsWith("PostgreSQL at db.internal:5433/copy cannot be reached: Failed to connect", PostgresErrors.Describe(failure, Options), StringComparison.Ordinal);
    }
}
