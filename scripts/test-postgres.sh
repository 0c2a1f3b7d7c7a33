#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server (the test suite's second backend).
#
# Usage: scripts/test-postgres.sh COMMAND [ARGS...]
#
# Installs Debian's `postgresql` with apt-get if its binaries are missing, initialises a
# cluster in a temporary directory, listens on a unix socket in that directory and on a free
# TCP port on 127.0.0.1 only, creates a database, exports
#   GLUTEFIRE_TEST_POSTGRES_URL=postgresql+psycopg://USER@127.0.0.1:PORT/glutefire_test
# runs COMMAND, stops the server and removes the directory. The exit status is COMMAND's.
# When running as root the server runs as the `postgres` user (initdb refuses root).
set -euo pipefail

find_pg_bin() {
  local candidate
  for candidate in /usr/lib/postgresql/*/bin; do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      echo "$candidate"
      return 0
    fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

if ! PG_BIN=$(find_pg_bin); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test-postgres: PostgreSQL is not installed and we are not root; install 'postgresql'" >&2
    exit 1
  fi
  echo "test-postgres: installing PostgreSQL with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  PG_BIN=$(find_pg_bin)
fi

if [ "$(id -u)" -eq 0 ]; then
  PG_USER=postgres
  id "$PG_USER" >/dev/null 2>&1 || useradd --system --no-create-home "$PG_USER"
  as_pg() { runuser -u "$PG_USER" -- "$@"; }
else
  PG_USER=$(id -un)
  as_pg() { "$@"; }
fi

PG_DIR=$(mktemp -d /tmp/glutefire-pg.XXXXXX)
chmod 755 "$PG_DIR"
[ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$PG_DIR"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

cleanup() {
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap cleanup EXIT

as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER" --auth=trust -E UTF8 --locale=C.UTF-8 \
  >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PG_DIR -c fsync=off -c max_connections=200" \
  >/dev/null || { cat "$PG_DIR/server.log" >&2; exit 1; }
as_pg "$PG_BIN/createdb" -h "$PG_DIR" -p "$PORT" -U "$PG_USER" glutefire_test

export GLUTEFIRE_TEST_POSTGRES_URL="postgresql+psycopg://$PG_USER@127.0.0.1:$PORT/glutefire_test"
echo "test-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2
set +e
"$@"
status=$?
set -e
exit $status
