# The two commands: `make run` (set up, load the demo district, serve) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup demo serve lint typecheck migrations-check messages bench-locate bench-triage bench-intake bench-import bench-board bench-pages clean

$(VENV)/.installed: requirements/lock.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	touch $@

.env:
	cp .env.example .env

setup: $(VENV)/.installed .env

run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	bash scripts/test.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy .

migrations-check: setup
	$(PY) manage.py makemigrations --check --dry-run

messages: setup
	cd grassroots && ../$(PY) ../manage.py makemessages -l zh_Hans -l en --no-obsolete --no-location
	$(PY) scripts/compile_messages.py

bench-locate: setup
	$(PY) bench/locate.py

bench-triage: setup
	$(PY) bench/triage.py

bench-intake: setup
	$(PY) bench/intake.py

bench-import: setup
	$(PY) bench/import.py

bench-board: setup
	$(PY) bench/board.py

bench-pages: setup
	$(PY) bench/pages.py

clean:
	rm -rf $(VENV) var/
