# One task entry point for people and CI. `make demo` and `make test` set everything up themselves.
# Network needed once: the package index (pip) and registry.npmjs.org (the pose-model source,
# scripts/build_pose_models.py, and the in-browser pose runtime of live mode,
# scripts/build_web_pose.py); nothing downloads when glutefire runs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_VENV := .venv-demo
DEMO_STAMP := $(DEMO_VENV)/.installed-stamp
PIP_FLAGS := -q -c constraints.txt
SAMPLE := samples/squat_3q_pexels_6980032.mp4
MODEL_INPUTS := scripts/build_pose_models.py src/glutefire/models/manifest.json
WEB_POSE_INPUTS := scripts/build_web_pose.py scripts/web_pose_manifest.json

.PHONY: setup models demo test lint format bench clean

# Development and tests: editable install with the dev extra (pytest, PostgreSQL driver, Ray...).
setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt $(MODEL_INPUTS) $(WEB_POSE_INPUTS)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install $(PIP_FLAGS) -e '.[dev]'
	$(PY) scripts/build_pose_models.py
	$(PY) scripts/build_web_pose.py
	touch $(STAMP)

models: setup
	$(PY) scripts/build_pose_models.py
	$(PY) scripts/build_web_pose.py

# The demo: a lean runtime-only install (`pip install .`) in its own environment. mediapipe goes
# in first because the model build uses its metadata writer; the models are package data.
$(DEMO_STAMP): pyproject.toml constraints.txt $(MODEL_INPUTS)
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install -q --upgrade pip
	$(DEMO_VENV)/bin/python -m pip install $(PIP_FLAGS) mediapipe
	$(DEMO_VENV)/bin/python scripts/build_pose_models.py
	$(DEMO_VENV)/bin/python -m pip install $(PIP_FLAGS) .
	touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(DEMO_VENV)/bin/glutefire screen $(SAMPLE) --json out/demo/result.json --out out/demo

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
	rm -rf $(VENV) $(DEMO_VENV) out build
