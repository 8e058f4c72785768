using System.Globalization;
using Sequin.Sinks.Testing;
using Sequin.TestServers;

namespace Sequin.Sinks.Postgres.Tests;

/// <summary>
/// The SDK's promises (<see cref="SinkConformanceTests{TOptions}"/>) against a real PostgreSQL target (tables created
/// from the source's); a target table without the source's <c>name</c> column refuses a row for good.
/// </summary>
public sealed class PostgresConformanceTests(PostgresConformanceTests.Target target)
    : SinkConformanceTests<PostgresSinkOptions>(new PostgresSink()), IClassFixture<PostgresConformanceTests.Target>
{
    protected override IReadOnlyList<(string Key, string? Value)> ReachableDestination =>
    [
        ("hostname", PostgresServer.Host), ("port", target.Fixture.Server.Port.ToString(CultureInfo.InvariantCulture)),
        ("database", TargetServerFixture.Database), ("username", TargetServerFixture.Writer), ("password", TargetServerFixture.WriterPassword),
        ("ssl_mode", "disable"), ("create_tables", "true"), ("timeout_ms", "10000"),
    ];

    // Port 9 (discard) is closed on loopback here.
    protected override IReadOnlyList<(string Key, string? Value)> UnreachableDestination =>
    [
        ("hostname", "127.0.0.1"), ("port", "9"), ("database", TargetServerFixture.Database), ("username", TargetServerFixture.Writer),
        ("password", TargetServerFixture.WriterPassword), ("ssl_mode", "disable"), ("timeout_ms", "2000"),
    ];

    protected override RoutedMessage? PermanentlyRefusedMessage(PostgresSinkOptions options) =>
        Kit.Routed(TestTable.Order(13), options, values: (PostgresSink.TableKey, "public.conformance_refuses"));

    /// <summary>The target server, with a table lacking the <c>name</c> column.</summary>
    public sealed class Target : IAsyncLifetime
    {
        public TargetServerFixture Fixture { get; } = new();

        public async Task InitializeAsync()
        {
            await Fixture.InitializeAsync();
            await Fixture.ExecuteAsync($"CREATE TABLE public.conformance_refuses (id int PRIMARY KEY); GRANT ALL ON public.conformance_refuses TO {TargetServerFixture.Writer}; GRANT CREATE ON SCHEMA public TO {TargetServerFixture.Writer}");
        }

        public Task DisposeAsync() => Fixture.DisposeAsync();
    }
}
