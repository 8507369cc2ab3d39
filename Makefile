# Two entry points for a fresh machine with only python3: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Pinned versions of everything installed, so every run resolves the same set.
CONSTRAINTS := constraints.txt
PIP := -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS)
# The CPythons `make test-matrix` runs the tests on (each must be on this machine).
PYTHONS ?= 3.10 3.11 3.12 3.13
export NO_MKDOCS_2_WARNING := 1

.PHONY: demo test lint typecheck unit docs package test-matrix bench generate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python $(PIP) -e .
	touch $@

$(VENV)/.dev: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python $(PIP) -e '.[dev,docs]'
	touch $@ $(VENV)/.runtime

demo: $(VENV)/.runtime
	$(BIN)/python examples/demo.py

test: lint typecheck unit docs package

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy
	$(BIN)/python tools/generate_services.py --check

unit: $(VENV)/.dev
	$(BIN)/pytest -q

# The API reference and guides, built with --strict into site/: a broken reference, or a
# public name the reference leaves out, fails the build (docs/hooks.py).
docs: $(VENV)/.dev
	$(BIN)/mkdocs build --strict --quiet

# The sdist and wheel a release would upload, checked as PyPI renders them.
package: $(VENV)/.dev
	rm -rf dist
	$(BIN)/python -m build --outdir dist > /dev/null
	$(BIN)/twine check --strict dist/*

# The tests on every CPython in PYTHONS, each in a venv of its own (.venv-3.X).
test-matrix:
	PYTHONS="$(PYTHONS)" bash tools/test_matrix.sh

$(VENV)/.bench: pyproject.toml $(CONSTRAINTS) | $(VENV)/.dev
	$(BIN)/python $(PIP) -e '.[dev,docs,bench]'
	touch $@

# Writes docs/benchmarks.md and docs/benchmarks.png (about 5 minutes on 2 cores), then the
# reliability run (10,000 jobs through faults, and a SIGKILL half way) and the watch of 10,000
# jobs (requests per poll cycle) add their sections.
bench: $(VENV)/.bench
	$(BIN)/python bench/run_all.py
	$(BIN)/python bench/reliability.py
	$(BIN)/python bench/watch_requests.py

generate: $(VENV)/.dev
	$(BIN)/python tools/generate_services.py

clean:
	rm -rf $(VENV) $(VENV)-3.* site dist
