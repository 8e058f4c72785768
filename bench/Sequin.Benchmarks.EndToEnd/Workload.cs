using Npgsql;

namespace Sequin.Benchmarks.EndToEnd;

/// <summary>
/// The workload of the original's benchmark (sequin-vs-debezium-benchmark): one table <c>benchmark_records</c> (id, text,
/// numeric, timestamptz, jsonb, inserted_at, updated_at) under a mixed insert/update/delete load. Generated server-side
/// by a procedure so that the generator is never the bottleneck: each transaction holds <c>txn_size</c> changes,
/// 60 % inserts of new ids, 30 % updates of a contiguous range of live ids, 10 % deletes of the oldest live ids, so the
/// number of row changes is exact.
/// </summary>
internal static class Workload
{
    public const string Table = "benchmark_records";
    public const string Publication = "bench_pub";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS benchmark_records (
          id bigint PRIMARY KEY,
          string_field text,
          numeric_field numeric,
          timestamp_field timestamptz,
          json_field jsonb,
          inserted_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE IF NOT EXISTS bench_marker (id int);
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'bench_pub') THEN
            CREATE PUBLICATION bench_pub FOR TABLE benchmark_records;
          END IF;
        END $$;

        -- pad = number of 32-character blocks in string_field; json_field gets pad/2 more blocks.
        CREATE OR REPLACE FUNCTION bench_text(g bigint, blocks int) RETURNS text LANGUAGE sql IMMUTABLE AS
          $f$ SELECT repeat(md5(g::text), blocks) $f$;

        CREATE OR REPLACE PROCEDURE bench_workload(n_changes bigint, txn_size int, pad int)
        LANGUAGE plpgsql AS $p$
        DECLARE
          lo bigint; hi bigint; done bigint := 0; k int; ki int; ku int; kd int; s bigint;
        BEGIN
          WHILE done < n_changes LOOP
            k := least(txn_size::bigint, n_changes - done)::int;
            kd := k / 10; ku := (k * 3) / 10; ki := k - kd - ku;
            SELECT coalesce(min(id), 1), coalesce(max(id), 0) INTO lo, hi FROM benchmark_records;
            IF hi - lo + 1 < kd + ku + 1 THEN ki := k; ku := 0; kd := 0; END IF;
            INSERT INTO benchmark_records (id, string_field, numeric_field, timestamp_field, json_field)
              SELECT g, bench_text(g, pad), g * 1.5, now(),
                     jsonb_build_object('id', g, 'name', md5(g::text), 'active', g % 2 = 0, 'blob', bench_text(g, pad / 2))
              FROM generate_series(hi + 1, hi + ki) g;
            IF kd > 0 THEN
              DELETE FROM benchmark_records WHERE id BETWEEN lo AND lo + kd - 1;
            END IF;
            IF ku > 0 THEN
              s := lo + kd + floor(random() * greatest(hi - (lo + kd) - ku + 2, 1))::bigint;
              UPDATE benchmark_records
                 SET numeric_field = numeric_field + 1, string_field = bench_text(id + 7, pad), updated_at = now()
               WHERE id BETWEEN s AND s + ku - 1;
            END IF;
            COMMIT;
            done := done + k;
          END LOOP;
        END $p$;
        """;

    /// <summary>Creates the database objects (idempotent).</summary>
    public static async Task SetupAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Schema);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Empties the table and preloads <paramref name="rows"/> live rows, so updates and deletes have targets.</summary>
    public static async Task ResetAsync(NpgsqlDataSource db, int rows, int pad, CancellationToken ct)
    {
        await ExecAsync(db, "TRUNCATE benchmark_records", ct);
        await ExecAsync(db, $"CALL bench_workload({rows}, {rows}, {pad})", ct);
        await ExecAsync(db, "VACUUM ANALYZE benchmark_records", ct);
    }

    /// <summary>Runs <paramref name="changes"/> row changes in transactions of <paramref name="txnSize"/>.</summary>
    public static Task RunAsync(NpgsqlDataSource db, long changes, int txnSize, int pad, CancellationToken ct) =>
        ExecAsync(db, $"CALL bench_workload({changes}, {txnSize}, {pad})", ct, timeoutSeconds: 0);

    public static async Task ExecAsync(NpgsqlDataSource db, string sql, CancellationToken ct, int timeoutSeconds = 300)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.CommandTimeout = timeoutSeconds;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
