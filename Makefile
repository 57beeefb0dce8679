# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint bench install install-test

run: install
	$(BIN)/quizapp db upgrade
	$(BIN)/quizapp content sync --keep-going content
	$(BIN)/quizapp demo-admin
	$(BIN)/quizapp run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/ruff check quizapp tests benchmarks migrations/env.py
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2

lint: install-test
	$(BIN)/ruff check quizapp tests benchmarks migrations/env.py
	$(BIN)/ruff format --check quizapp tests migrations/env.py
	$(BIN)/lint-imports

# Issue 12's benchmarks, about 10 minutes; prints each target beside its figure and rewrites the
# table in docs/performance.md. PostgreSQL too when QUIZAPP_BENCH_POSTGRES names a server URL.
bench: install-test
	$(BIN)/python benchmarks/run_all.py

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@
