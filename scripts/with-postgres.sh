#!/usr/bin/env bash
# Runs a command with TEST_DATABASE_URL pointing at a throwaway PostgreSQL cluster:
# started from the server installed on the machine, on a free local port, removed afterwards.
set -euo pipefail

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}
DIR=$(mktemp -d /tmp/auditapp-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# PostgreSQL refuses to run as root: run it as the postgres user then.
if [ "$(id -u)" = 0 ]; then
  chown postgres "$DIR"
  AS_PG=(runuser -u postgres --)
else
  AS_PG=()
fi

stop() {
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT

"${AS_PG[@]}" "$PG_BIN/initdb" -D "$DIR/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
"${AS_PG[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres auditapp_test

echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PORT"
TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/auditapp_test" "$@"
