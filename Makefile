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
PYTEST_ARGS ?=

.PHONY: demo test install lint fix check-migrations serve bench lock clean messages

demo: install  ## Set up, load the demo city and serve it with a worker at http://127.0.0.1:8000
	$(BIN)/civicdata migrate --noinput
	DEMO_ACCOUNTS=true $(BIN)/civicdata demo
	DEMO_ACCOUNTS=true $(BIN)/civicdata serve --with-worker

test: install lint check-migrations  ## Install, lint, check migrations, run the whole suite
	CIVICDATA_ENV=test $(BIN)/pytest -n auto $(PYTEST_ARGS)

install: $(VENV)/.installed node_modules/.installed messages

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "civicdata needs Python 3.12 or newer (Django 6.1); none was found on PATH or in pyenv." >&2; exit 1; }
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-virtualenv -r requirements.lock
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

bench: install  ## run every benchmark in bench/ and refresh docs/benchmarks.md
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lock:  ## re-resolve requirements.in into exact pins (needs network)
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install --quiet -r requirements.in
	.lock-venv/bin/pip freeze --exclude-editable > requirements.lock && rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache
