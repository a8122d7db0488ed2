# Two commands for a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test install install-test install-bench bench bench-quick frontend translations messages migrate demo-data lint clean

run: install frontend translations ## set up, migrate, load demo data and serve on http://127.0.0.1:$(PORT)
	$(BIN)/portal migrate
	$(BIN)/portal demo-data
	$(BIN)/portal serve

test: install-test frontend translations ## install what tests need and run the whole suite (PostgreSQL, then SQLite)
	$(BIN)/ruff check backend tests
	PORTAL_TEST_ENGINE=postgres $(BIN)/python -m pytest
	PORTAL_TEST_ENGINE=sqlite $(BIN)/python -m pytest -m db

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	npm ci --prefix frontend --no-audit --no-fund

frontend: frontend/node_modules/.package-lock.json

translations: install ## compile the gettext catalogues (backend/locale/*/LC_MESSAGES/messages.mo)
	$(BIN)/pybabel compile --use-fuzzy -d backend/locale -D messages --statistics

messages: install ## extract strings and update the catalogues after changing texts
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k Nn_:1,2 -k gettext -k ngettext:1,2 -k pgettext:1c,2 --no-location \
		--sort-output --omit-header -o backend/locale/messages.pot .
	$(BIN)/pybabel update -i backend/locale/messages.pot -d backend/locale -D messages --no-fuzzy-matching

migrate: install
	$(BIN)/portal migrate

demo-data: install
	$(BIN)/portal demo-data

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	@touch $(VENV)/.installed $@

install-bench: $(VENV)/.installed-bench

bench: install-bench frontend translations ## the benchmark (docs/performance.md); writes docs/benchmark-results.md
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m backend.perf.bench $(BENCH_ARGS)

bench-quick: install-bench frontend translations ## a short benchmark: S only, one 2-second run each
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m backend.perf.bench --quick --out var/bench/quick.md $(BENCH_ARGS)

lint: install-test
	$(BIN)/ruff check backend tests

clean:
	rm -rf $(VENV) frontend/node_modules var
