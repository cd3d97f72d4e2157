#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks.
#   source scripts/pgtmp.sh && pgtmp_start   → exports DATABASE_URL, PGTMP_DIR
#   pgtmp_stop                                → stops the server and deletes its files
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.

pgtmp_find_bin() {
  local name=$1
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  local candidate
  for candidate in /usr/lib/postgresql/*/bin/"$name"; do
    [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

pgtmp_available() {
  pgtmp_find_bin initdb >/dev/null && pgtmp_find_bin pg_ctl >/dev/null && pgtmp_find_bin postgres >/dev/null
}

_pgtmp_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pgtmp_start() {
  local initdb pg_ctl port
  initdb=$(pgtmp_find_bin initdb) || { echo "pgtmp: initdb not found" >&2; return 1; }
  pg_ctl=$(pgtmp_find_bin pg_ctl) || { echo "pgtmp: pg_ctl not found" >&2; return 1; }
  PGTMP_DIR=$(mktemp -d /tmp/grassroots-pg.XXXXXX)
  chmod 755 "$PGTMP_DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$PGTMP_DIR"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  _pgtmp_as_owner "$initdb" -D "$PGTMP_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$PGTMP_DIR/initdb.log" 2>&1 \
    || { cat "$PGTMP_DIR/initdb.log" >&2; return 1; }
  # Durability is irrelevant for a throwaway cluster: turn off fsync for speed.
  _pgtmp_as_owner "$pg_ctl" -D "$PGTMP_DIR/data" -l "$PGTMP_DIR/server.log" -w -t 60 start \
    -o "-p $port -k $PGTMP_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${PGTMP_OPTIONS:-}" \
    >/dev/null || { cat "$PGTMP_DIR/server.log" >&2; return 1; }
  export PGTMP_DIR PGTMP_PORT=$port
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/grassroots"
  _pgtmp_as_owner "$(dirname "$pg_ctl")/createdb" -h 127.0.0.1 -p "$port" -U postgres grassroots 2>/dev/null \
    || psql -h 127.0.0.1 -p "$port" -U postgres -c 'CREATE DATABASE grassroots' postgres >/dev/null
}

pgtmp_stop() {
  [ -n "${PGTMP_DIR:-}" ] || return 0
  local pg_ctl
  pg_ctl=$(pgtmp_find_bin pg_ctl) || true
  [ -n "$pg_ctl" ] && _pgtmp_as_owner "$pg_ctl" -D "$PGTMP_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP_DIR"
  unset PGTMP_DIR DATABASE_URL
}
