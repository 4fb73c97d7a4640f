#!/usr/bin/env bash
# Starts (or stops) a Postgres for the benchmarks configured as an installation with a million subjects should run
# one: shared buffers that hold the queue's tables and indexes (2 GB; about 0.6 GB at a million subjects), in huge
# pages. The machine's own Postgres keeps the default 128 MB in 4 kB pages; there, a million subjects cost the queue
# about half as much again per request as 10,000 (bench/README.md, session 19).
#
# Needs root (huge pages are reserved in the kernel, and the server runs as the `postgres` user) and Debian's
# postgresql package. Usage:
#   sudo bench/postgres-at-scale.sh start   # then DATABASE_URL=postgres://postgres@127.0.0.1:5433/postgres node bench/queue.mjs ...
#   sudo bench/postgres-at-scale.sh stop
set -euo pipefail

PORT="${BENCH_POSTGRES_PORT:-5433}"
DIR="${BENCH_POSTGRES_DIR:-/tmp/chorus-bench-postgres}"
SHARED_BUFFERS_MB=2048
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
as_postgres() { su postgres -c "$*"; }

case "${1:-}" in
  start)
    # 2 MB pages for the shared buffers, and a few more for the server's other shared memory.
    pages=$((SHARED_BUFFERS_MB / 2 + 100))
    if (($(cat /proc/sys/vm/nr_hugepages) < pages)); then sysctl -q -w vm.nr_hugepages="$pages"; fi
    if [ ! -d "$DIR/data" ]; then
      mkdir -p "$DIR" && chown postgres:postgres "$DIR"
      as_postgres "$BIN/initdb -D $DIR/data -A trust -U postgres" >/dev/null
    fi
    # As the machine's Postgres, but for memory: autovacuum off (bench/queue.mjs vacuums what it churns).
    as_postgres "$BIN/pg_ctl -D $DIR/data -l $DIR/log -w -o '-p $PORT -k $DIR -c shared_buffers=${SHARED_BUFFERS_MB}MB -c huge_pages=on -c autovacuum=off' start" >/dev/null
    echo "postgres://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    as_postgres "$BIN/pg_ctl -D $DIR/data -m fast stop" >/dev/null
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
