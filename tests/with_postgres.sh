#!/usr/bin/env bash
# with_postgres.sh COMMAND... - runs COMMAND with CRM_TEST_PG pointing at a
# throwaway PostgreSQL cluster: Debian's postgresql server, initialised in a
# temporary folder and run as a non-root user (postgres when started by
# root), listening on 127.0.0.1 only; stopped and removed afterwards.
set -u
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "with_postgres: PostgreSQL is not installed (scripts/setup.sh installs postgresql)" >&2
  exit 1
fi
dir=$(mktemp -d /tmp/crm-pg-XXXXXX)
as=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
cleanup() {
  "${as[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$dir"
}
trap cleanup EXIT
"${as[@]}" "$PGBIN/initdb" -D "$dir/data" -A trust -U crm >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
started=0
for try in 1 2 3 4 5 6 7 8; do
  port=$((20000 + RANDOM % 20000))
  if "${as[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -w -t 30 -l "$dir/server.log" \
       -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null 2>&1; then
    started=1
    break
  fi
done
if [ "$started" != 1 ]; then
  echo "with_postgres: the cluster did not start:" >&2
  cat "$dir/server.log" >&2
  exit 1
fi
export CRM_TEST_PG="postgresql://crm@127.0.0.1:$port/postgres"
"$@"
