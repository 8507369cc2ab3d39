# Two entry points for a fresh machine with only python3: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Pinned versions of everything installed, so every run resolves the same set.
CONSTRAINTS := constraints.txt

.PHONY: demo test lint typecheck unit bench generate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e .
	touch $@

$(VENV)/.dev: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e '.[dev]'
	touch $@ $(VENV)/.runtime

demo: $(VENV)/.runtime
	$(BIN)/python examples/demo.py

test: lint typecheck unit

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy
	$(BIN)/python tools/generate_services.py --check

unit: $(VENV)/.dev
	$(BIN)/pytest -q

$(VENV)/.bench: pyproject.toml $(CONSTRAINTS) | $(VENV)/.dev
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e '.[dev,bench]'
	touch $@

# Writes docs/benchmarks.md and docs/benchmarks.png (about 5 minutes on 2 cores), then the
# reliability run (10,000 jobs through faults, and a SIGKILL half way) adds its section.
bench: $(VENV)/.bench
	$(BIN)/python bench/run_all.py
	$(BIN)/python bench/reliability.py

generate: $(VENV)/.dev
	$(BIN)/python tools/generate_services.py

clean:
	rm -rf $(VENV)
