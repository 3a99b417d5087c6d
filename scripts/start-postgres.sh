#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on loopback for the test suite and
# prints the TEST_DATABASE_URL to use. Usage: eval "$(scripts/start-postgres.sh)"
# fsync is off for speed; PG_FSYNC=on (with its own PGPORT_TEST) for durable benchmark runs.
set -euo pipefail

port=${PGPORT_TEST:-54329}
datadir=${PGDATA_TEST:-/tmp/samlast-pg-$port}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "PostgreSQL is not installed (scripts/install-system-packages.sh postgresql)" >&2; exit 1; }

run_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if ! run_as_postgres "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
  rm -rf "$datadir"
  mkdir -p "$datadir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$datadir"
  run_as_postgres "$bindir/initdb" -D "$datadir" -U postgres -A trust --no-sync >/dev/null
  run_as_postgres "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=200" start >/dev/null
fi
"$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='samlast_test'" | grep -q 1 \
  || "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres samlast_test
echo "export TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$port/samlast_test"
