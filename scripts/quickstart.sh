#!/usr/bin/env bash
# The main job, end to end, on a fresh machine:
#   a throwaway PostgreSQL (logical replication on) with a demo table,
#   the Sequin host with the built-in stdout sink loaded from its plugins/ folder,
#   inserts, updates and deletes, and the messages the sink received, printed.
# Everything lives under .local/quickstart and is removed at the end (KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/.local/quickstart"
rm -rf "$work"; mkdir -p "$work"

bash scripts/install-deps.sh

echo "== building the host (Release)"
dotnet build src/Sequin.Host -c Release -nologo -clp:ErrorsOnly -v:q
host_dir="$root/src/Sequin.Host/bin/Release/net10.0"

source scripts/lib/throwaway-pg.sh
pg_start "$work/pg"
host_pid=""
cleanup() {
  [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null || true
  pg_stop "$work/pg"
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
psql() { command psql -h 127.0.0.1 -p "$port" -U postgres -d shop -v ON_ERROR_STOP=1 -q "$@"; }
command psql -h 127.0.0.1 -p "$port" -U postgres -q -c "CREATE DATABASE shop"
psql -c "CREATE TABLE products (id serial PRIMARY KEY, name text NOT NULL, price numeric(10,2), tags text[], updated_at timestamptz DEFAULT now())"

cat > "$work/sequin.yaml" <<YAML
databases:
  - name: shop
    hostname: 127.0.0.1
    port: $port
    database: shop
    username: postgres
    slot: { name: sequin_slot, create_if_not_exists: true }
    publication: { name: sequin_pub, create_if_not_exists: true }

sinks:
  - name: products-to-stdout
    database: shop
    source: { include_tables: ["public.products"] }
    actions: [insert, update, delete]
    destination:
      type: stdout
      path: "$work/messages.jsonl"
YAML
echo "== sequin.yaml"; sed 's/^/   /' "$work/sequin.yaml"

echo "== sequin validate"
(cd "$host_dir" && ./sequin validate --config "$work/sequin.yaml")

echo "== sequin run (log: $work/host.log)"
(cd "$host_dir" && exec ./sequin run --config "$work/sequin.yaml") >"$work/host.log" 2>&1 &
host_pid=$!

# Wait until the slot exists (the host created it), without fixed sleeps.
for _ in $(seq 1 300); do
  n=$(command psql -h 127.0.0.1 -p "$port" -U postgres -d shop -tAc "select count(*) from pg_replication_slots where slot_name='sequin_slot' and active") || n=0
  [ "$n" = 1 ] && break
  kill -0 "$host_pid" 2>/dev/null || { echo "host exited:"; cat "$work/host.log"; exit 1; }
  sleep 0.1
done

echo "== making changes"
psql <<SQL
INSERT INTO products (name, price, tags) VALUES ('Espresso', 2.50, '{coffee,hot}'), ('Latte', 3.80, '{coffee,milk}');
UPDATE products SET price = 2.75 WHERE name = 'Espresso';
BEGIN;
SELECT pg_logical_emit_message(true, 'sequin:transaction_annotations.set', '{"actor":"quickstart"}') \\g /dev/null
DELETE FROM products WHERE name = 'Latte';
COMMIT;
SQL

expected=4
for _ in $(seq 1 300); do
  [ -f "$work/messages.jsonl" ] && [ "$(wc -l < "$work/messages.jsonl")" -ge $expected ] && break
  kill -0 "$host_pid" 2>/dev/null || { echo "host exited:"; cat "$work/host.log"; exit 1; }
  sleep 0.1
done
got=$(wc -l < "$work/messages.jsonl" 2>/dev/null || echo 0)
echo "== $got messages received by the stdout sink"
python3 -c '
import json, sys
# Sequin keeps commit order per row (primary key) and delivers different rows in parallel: show them in commit order.
messages = sorted((json.loads(line) for line in open(sys.argv[1])), key=lambda m: (m["metadata"]["commit_lsn"], m["metadata"]["commit_idx"]))
for m in messages:
    md = m["metadata"]
    print("--- %s %s.%s commit_lsn=%s idx=%s" % (m["action"], md["table_schema"], md["table_name"], md["commit_lsn"], md["commit_idx"]))
    print(json.dumps({"record": m["record"], "changes": m["changes"], "transaction_annotations": md["transaction_annotations"]}, indent=2))
' "$work/messages.jsonl"

kill -TERM "$host_pid"; wait "$host_pid" || true; host_pid=""
echo "== host stopped; slot position confirmed to Postgres:"
command psql -h 127.0.0.1 -p "$port" -U postgres -d shop -tAc "select slot_name, confirmed_flush_lsn from pg_replication_slots"
[ "$got" -ge $expected ] || { echo "expected $expected messages, got $got"; cat "$work/host.log"; exit 1; }
echo "quickstart OK"
