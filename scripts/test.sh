#!/usr/bin/env bash
# The whole suite: lint, types, migrations, messages, then the tests on SQLite and on PostgreSQL.
# PostgreSQL runs when its server binaries are found (a throwaway cluster); REQUIRE_POSTGRES=1
# makes their absence, or a cluster that fails to start, an error.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY=$VENV/bin/python
PYTEST_ARGS=${PYTEST_ARGS:--n 2}

step() { printf '\n=== %s\n' "$*"; }

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
