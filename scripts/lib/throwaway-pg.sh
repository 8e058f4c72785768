# Sourced by scripts/quickstart.sh and bench/run.sh: a throwaway PostgreSQL 15 with logical replication.
#   pg_start <dir> [extra postgresql.conf lines]   sets $port; data in <dir>/data, log in <dir>/log
#   pg_stop <dir>                                   immediate stop, ignores errors
# Runs the server as user postgres when called as root (initdb refuses root).
pgbin=/usr/lib/postgresql/15/bin
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pg_start() {
  local dir="$1" extra="${2:-}"
  port=$(free_port)
  echo "== starting a throwaway PostgreSQL on 127.0.0.1:$port"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    # postgres must reach the folder: let everyone traverse the two levels above it (e.g. .local/quickstart). Only add
    # permissions: a chmod 755 here once took the sticky bit and world-write off /tmp for a folder under it.
    chmod a+rx "$(dirname "$dir")" "$(dirname "$(dirname "$dir")")"
  fi
  run_pg "$pgbin/initdb" -D "$dir/data" -U postgres -A trust >/dev/null
  cat >> "$dir/data/postgresql.conf" <<CONF
wal_level = logical
max_replication_slots = 64
max_wal_senders = 64
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
$extra
CONF
  echo "host replication all 127.0.0.1/32 trust" >> "$dir/data/pg_hba.conf"
  run_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w start >/dev/null
}

pg_stop() { run_pg "$pgbin/pg_ctl" -D "$1/data" -m immediate stop >/dev/null 2>&1 || true; }
