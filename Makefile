# Two commands for a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test test-browser screenshots install install-test install-bench bench bench-quick frontend translations messages migrate demo-data lint lock audit clean

run: install frontend translations ## set up, migrate, load demo data and serve on http://127.0.0.1:$(PORT)
	$(BIN)/portal migrate
	$(BIN)/portal demo-data
	$(BIN)/portal serve

test: install-test frontend translations ## install what tests need and run the whole suite (PostgreSQL, then SQLite)
	$(BIN)/ruff check backend tests bench
	PORTAL_TEST_ENGINE=postgres $(BIN)/python -m pytest
	PORTAL_TEST_ENGINE=sqlite $(BIN)/python -m pytest -m db

test-browser: install-test frontend translations ## only the browser tests (Chromium, axe-core); screenshots in var/screenshots
	PORTAL_TEST_ENGINE=postgres $(BIN)/python -m pytest -m browser tests/browser

screenshots: install-test frontend translations ## run the browser tests and refresh the committed docs/screenshots
	PORTAL_SCREENSHOTS=docs/screenshots PORTAL_TEST_ENGINE=postgres $(BIN)/python -m pytest -m browser tests/browser

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs take the exact versions and hashes of the lock files (`make lock` writes them from
# pyproject.toml); the project itself goes in editable, without resolving anything again.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml requirements-test.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-test.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
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

# the profilers on top of the locked runtime (they have no dependencies of their own)
$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	@touch $@

install-bench: $(VENV)/.installed-bench

bench: install-bench frontend translations ## the benchmark (docs/performance.md); writes docs/benchmark-results.md
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench run $(BENCH_ARGS)

bench-quick: install-bench frontend translations ## a short benchmark: S only, one 2-second run each
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench run --quick --out var/bench/quick.md $(BENCH_ARGS)

TOOLS := .venv-tools
$(TOOLS)/bin/pip-audit:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "pip-tools==7.5.2" "pip-audit==2.10.1"

LOCK_FLAGS := --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links
lock: $(TOOLS)/bin/pip-audit ## write requirements.lock and requirements-test.lock from pyproject.toml
	$(TOOLS)/bin/pip-compile $(LOCK_FLAGS) -o requirements.lock pyproject.toml
	$(TOOLS)/bin/pip-compile $(LOCK_FLAGS) --extra test -o requirements-test.lock pyproject.toml

audit: $(TOOLS)/bin/pip-audit frontend ## known vulnerabilities in the locked Python and npm dependencies
	$(TOOLS)/bin/pip-audit --strict --require-hashes --disable-pip --progress-spinner off -r requirements-test.lock
	npm audit --prefix frontend

lint: install-test
	$(BIN)/ruff check backend tests bench

clean:
	rm -rf $(VENV) $(TOOLS) frontend/node_modules var
