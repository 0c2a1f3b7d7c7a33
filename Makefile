# One task entry point for people and CI. `make demo` and `make test` set everything up themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SAMPLE := samples/squat_3q_pexels_6980032.mp4

.PHONY: setup demo test lint format bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(VENV)/bin/glutefire screen $(SAMPLE) --json out/demo/result.json --out out/demo

# The suite runs against SQLite and a throwaway PostgreSQL server (scripts/test-postgres.sh).
test: setup
	scripts/test-postgres.sh $(PY) -m pytest -q

# Lint = what CI checks: ruff rules, ruff's formatting (check only: `make format` rewrites) and mypy.
LINT_PATHS := src tests benchmarks

lint: setup
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff format $(LINT_PATHS)

bench: setup
	$(PY) benchmarks/bench_screen.py
	$(PY) benchmarks/bench_batch.py

clean:
	rm -rf $(VENV) out
