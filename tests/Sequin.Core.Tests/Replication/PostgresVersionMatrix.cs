using Sequin.Core.Tests.Replication.Support;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Replication;

/// <summary>
/// The PostgreSQL version matrix of the replication source's fidelity and fault tests: <see cref="ChangeDecodingTests"/>
/// (keys, REPLICA IDENTITY FULL, TOAST, truncate, annotations, partitions, domains), <see cref="ValueTypeTests"/> (every
/// type), <see cref="SlotLossTests"/> and <see cref="AcknowledgementTests"/> (acknowledgement, reconnects, missing slot
/// or publication) run once per supported major, 14 to 18. Each major is one server, shared by its classes through a
/// collection (<see cref="PostgresCollection"/> for 15, and one collection per other major).
/// </summary>
internal static class PostgresVersionMatrix
{
    public const string Postgres14 = "replication-postgres-14";
    public const string Postgres16 = "replication-postgres-16";
    public const string Postgres17 = "replication-postgres-17";
    public const string Postgres18 = "replication-postgres-18";
}

[CollectionDefinition(PostgresVersionMatrix.Postgres14)]
public sealed class Postgres14Collection : ICollectionFixture<Postgres14Fixture>;

[CollectionDefinition(PostgresVersionMatrix.Postgres16)]
public sealed class Postgres16Collection : ICollectionFixture<Postgres16Fixture>;

[CollectionDefinition(PostgresVersionMatrix.Postgres17)]
public sealed class Postgres17Collection : ICollectionFixture<Postgres17Fixture>;

[CollectionDefinition(PostgresVersionMatrix.Postgres18)]
public sealed class Postgres18Collection : ICollectionFixture<Postgres18Fixture>;

[Collection(PostgresVersionMatrix.Postgres14)]
public sealed class ChangeDecodingTestsOnPostgres14(Postgres14Fixture fixture) : ChangeDecodingTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class ChangeDecodingTestsOnPostgres15(PostgresFixture fixture) : ChangeDecodingTests(fixture);

[Collection(PostgresVersionMatrix.Postgres16)]
public sealed class ChangeDecodingTestsOnPostgres16(Postgres16Fixture fixture) : ChangeDecodingTests(fixture);

[Collection(PostgresVersionMatrix.Postgres17)]
public sealed class ChangeDecodingTestsOnPostgres17(Postgres17Fixture fixture) : ChangeDecodingTests(fixture);

[Collection(PostgresVersionMatrix.Postgres18)]
public sealed class ChangeDecodingTestsOnPostgres18(Postgres18Fixture fixture) : ChangeDecodingTests(fixture);

[Collection(PostgresVersionMatrix.Postgres14)]
public sealed class ValueTypeTestsOnPostgres14(Postgres14Fixture fixture) : ValueTypeTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class ValueTypeTestsOnPostgres15(PostgresFixture fixture) : ValueTypeTests(fixture);

[Collection(PostgresVersionMatrix.Postgres16)]
public sealed class ValueTypeTestsOnPostgres16(Postgres16Fixture fixture) : ValueTypeTests(fixture);

[Collection(PostgresVersionMatrix.Postgres17)]
public sealed class ValueTypeTestsOnPostgres17(Postgres17Fixture fixture) : ValueTypeTests(fixture);

[Collection(PostgresVersionMatrix.Postgres18)]
public sealed class ValueTypeTestsOnPostgres18(Postgres18Fixture fixture) : ValueTypeTests(fixture);

[Collection(PostgresVersionMatrix.Postgres14)]
public sealed class SlotLossTestsOnPostgres14(Postgres14Fixture fixture) : SlotLossTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class SlotLossTestsOnPostgres15(PostgresFixture fixture) : SlotLossTests(fixture);

[Collection(PostgresVersionMatrix.Postgres16)]
public sealed class SlotLossTestsOnPostgres16(Postgres16Fixture fixture) : SlotLossTests(fixture);

[Collection(PostgresVersionMatrix.Postgres17)]
public sealed class SlotLossTestsOnPostgres17(Postgres17Fixture fixture) : SlotLossTests(fixture);

[Collection(PostgresVersionMatrix.Postgres18)]
public sealed class SlotLossTestsOnPostgres18(Postgres18Fixture fixture) : SlotLossTests(fixture);

[Collection(PostgresVersionMatrix.Postgres14)]
public sealed class AcknowledgementTestsOnPostgres14(Postgres14Fixture fixture) : AcknowledgementTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class AcknowledgementTestsOnPostgres15(PostgresFixture fixture) : AcknowledgementTests(fixture);

[Collection(PostgresVersionMatrix.Postgres16)]
public sealed class AcknowledgementTestsOnPostgres16(Postgres16Fixture fixture) : AcknowledgementTests(fixture);

[Collection(PostgresVersionMatrix.Postgres17)]
public sealed class AcknowledgementTestsOnPostgres17(Postgres17Fixture fixture) : AcknowledgementTests(fixture);

[Collection(PostgresVersionMatrix.Postgres18)]
public sealed class AcknowledgementTestsOnPostgres18(Postgres18Fixture fixture) : AcknowledgementTests(fixture);
