# civicdata's one task runner. `make demo` and `make test` set everything up on a fresh machine
# (Python 3.12+, Node 20, make); the other targets are for day-to-day work.

VENV := .venv
BIN := $(VENV)/bin
PYENV_ROOT ?= $(HOME)/.pyenv
# Django 6.1 needs Python 3.12 or newer: take the first interpreter that qualifies, including pyenv's.
PYTHON_CANDIDATES := python3.14 python3.13 python3.12 python3 \
	$(sort $(wildcard $(PYENV_ROOT)/versions/3.1[2-9]*/bin/python3)) \
	$(sort $(wildcard /usr/local/bin/python3.1[2-9])) $(sort $(wildcard /usr/bin/python3.1[2-9]))
PYTHON ?= $(shell for p in $(PYTHON_CANDIDATES); do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
# `make test PYTEST_ARGS="--randomly-seed=N"` replays the order of an earlier run (its seed is
# printed at the top as "Using --randomly-seed=N"); "-p no:randomly" runs in file order.
PYTEST_ARGS ?=
# Test files that once leaked state into later tests: run twice in one process by `make test`.
REPEATED_TESTS := civicdata/accounts/tests/test_pages.py tests/test_journey_browser.py

.PHONY: demo test test-twice install lint fix check-migrations serve bench lock clean messages

demo: install  ## Set up, load the demo city and serve it with a worker at http://127.0.0.1:8000
	$(BIN)/civicdata migrate --noinput
	DEMO_ACCOUNTS=true $(BIN)/civicdata demo
	$(BIN)/civicdata collectstatic --noinput --verbosity 0
	DEMO_ACCOUNTS=true $(BIN)/civicdata serve --with-worker

test: install lint check-migrations test-twice  ## Install, lint, check migrations, run the whole suite
	CIVICDATA_ENV=test $(BIN)/pytest -n auto $(PYTEST_ARGS)

test-twice: install  ## REPEATED_TESTS twice in one process, in file order: no test may leave state behind
	CIVICDATA_ENV=test $(BIN)/pytest -p no:randomly --keep-duplicates $(REPEATED_TESTS) $(REPEATED_TESTS)

install: $(VENV)/.installed node_modules/.installed messages

$(VENV)/.installed: requirements-dev.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "civicdata needs Python 3.12 or newer (Django 6.1); none was found on PATH or in pyenv." >&2; exit 1; }
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-virtualenv -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: $(VENV)/.installed
	@CIVICDATA_ENV=test $(BIN)/civicdata compile_translations

lint: install  ## ruff lint and format check, import layers, unused code
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/vulture

fix: install  ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: install  ## fail when a model change has no migration
	CIVICDATA_ENV=test $(BIN)/civicdata makemigrations --check --dry-run

serve: install
	$(BIN)/civicdata serve --with-worker

bench: install  ## run every benchmark in bench/ at full size (tens of minutes) and refresh docs/benchmarks.md
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script $(BENCH_ARGS) || exit 1; done

# Dependencies are declared in pyproject.toml ([project] dependencies and the dev extra). The runtime set
# is resolved first and pinned in requirements.lock (what production installs); the dev extra is then
# resolved with those pins held, so requirements-dev.lock = requirements.lock + the development tools.
lock:  ## re-resolve pyproject.toml's dependencies into requirements.lock and requirements-dev.lock (needs network)
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e .
	.lock-venv/bin/pip freeze --exclude-editable > requirements.lock
	.lock-venv/bin/pip install --quiet -c requirements.lock -e '.[dev]'
	.lock-venv/bin/pip freeze --exclude-editable > requirements-dev.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache
