#!/usr/bin/env bash
# The whole suite: lint, types, migrations, messages, then the tests on SQLite and on PostgreSQL.
# PostgreSQL runs when its server binaries are found (a throwaway cluster); REQUIRE_POSTGRES=1
# makes their absence, or a cluster that fails to start, an error. The browser tests (marked
# `browser`) run in both, in Debian's Chromium ($CHROMIUM, default /usr/bin/chromium): never
# skipped, installed with apt-get when missing and running as root, an error otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY=$VENV/bin/python
PYTEST_ARGS=${PYTEST_ARGS:--n 2}

step() { printf '\n=== %s\n' "$*"; }

export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
ensure_chromium() {
  [ -x "$CHROMIUM" ] && return
  if [ "$CHROMIUM" = /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "Chromium for the browser tests: apt-get install -y chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y chromium \
      || { apt-get update && apt-get install -y chromium; }
    [ -x "$CHROMIUM" ] && return
  fi
  echo "The browser tests need Debian's Chromium at $CHROMIUM, which is missing." >&2
  echo "Install it as root: apt-get install -y chromium (or set CHROMIUM to a Chromium binary)." >&2
  exit 1
}
ensure_chromium

step "ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
step "mypy"
"$VENV/bin/mypy" .
step "migrations"
DATABASE_URL= "$PY" manage.py makemigrations --check --dry-run
step "translations"
"$PY" scripts/compile_messages.py --check

step "tests on SQLite"
DATABASE_URL= "$PY" -m pytest $PYTEST_ARGS

# shellcheck source=scripts/pgtmp.sh
source scripts/pgtmp.sh
if pgtmp_available; then
  step "tests on PostgreSQL"
  trap pgtmp_stop EXIT
  pgtmp_start
  "$PY" -m pytest $PYTEST_ARGS
  pgtmp_stop
  trap - EXIT
elif [ "${REQUIRE_POSTGRES:-0}" = 1 ]; then
  echo "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found, and REQUIRE_POSTGRES=1" >&2
  exit 1
else
  step "PostgreSQL server binaries not found: skipped the PostgreSQL run"
fi
step "all green"
