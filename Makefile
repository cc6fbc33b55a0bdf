# The two commands a newcomer needs: `make run` and `make test` (README.md). Both install what they
# need into .venv on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint messages bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# The portal on SQLite with the Đống Đa demo data, as of 20/05/2021 (six weeks before the cutover).
run: export DEBUG ?= 1
run: export PORTAL_TODAY ?= 2021-05-20
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_demo_plan
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite; DATABASE_URL picks the database (SQLite by default, PostgreSQL in CI).
test: export SECRET_KEY ?= test-only-insecure-key
test: export ALLOWED_HOSTS ?= testserver,localhost,127.0.0.1
test: export DATABASE_URL ?= sqlite:///$(CURDIR)/test.sqlite3
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: install
	DEBUG=1 $(PY) manage.py makemessages -l vi --ignore=.venv --ignore=staticfiles
	DEBUG=1 $(PY) manage.py compilemessages -l vi --ignore=.venv

# The national-scale benchmark on PostgreSQL (BENCHMARKS.md): creates the database if missing, writes
# WARDS × OFFICIALS synthetic officials (reused when already there), prints the table, writes bench-results/.
bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ward_portal_bench
bench: export SECRET_KEY ?= bench-only-insecure-key
bench: export ALLOWED_HOSTS ?= testserver,localhost,127.0.0.1
bench: export PORTAL_TODAY ?= 2021-05-20
bench: WARDS ?= 1000
bench: OFFICIALS ?= 25
bench: install
	$(PY) -m bench.run --wards $(WARDS) --officials-per-ward $(OFFICIALS) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache db.sqlite3 test.sqlite3
