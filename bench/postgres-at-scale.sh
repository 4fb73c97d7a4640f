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

hugepages() { awk -v field="HugePages_$1:" '$1 == field { print $2 }' /proc/meminfo; }

case "${1:-}" in
  start)
    # 2 MB pages for the shared buffers, and a few more for the server's other shared memory, beyond those free now
    # (other servers may hold or have reserved some). What was reserved before is restored by `stop`.
    pages=$((SHARED_BUFFERS_MB / 2 + 100))
    usable=$(($(hugepages Free) - $(hugepages Rsvd)))
    if ((usable < pages)); then
      mkdir -p "$DIR"
      [ -f "$DIR/nr_hugepages.before" ] || cat /proc/sys/vm/nr_hugepages >"$DIR/nr_hugepages.before"
      sysctl -q -w vm.nr_hugepages="$(($(cat /proc/sys/vm/nr_hugepages) + pages - usable))"
    fi
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
    if [ -f "$DIR/nr_hugepages.before" ]; then
      sysctl -q -w vm.nr_hugepages="$(cat "$DIR/nr_hugepages.before")"
      rm "$DIR/nr_hugepages.before"
    fi
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
