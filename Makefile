# Two entry points for a fresh machine with only python3: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Pinned versions of everything installed, so every run resolves the same set.
CONSTRAINTS := constraints.txt
# Installs into a venv at those versions: with uv (seconds), else pip (a minute).
INSTALL := bash tools/install.sh
# The CPythons the suite runs on: empty for .venv's own; CI names the oldest and the newest
# supported ("3.10 3.13"), each in a venv of its own (.venv-3.X) unless .venv is that version.
SUITE_PYTHONS ?=
# 1: the suites of SUITE_PYTHONS run at the same time, each one's output shown when it ends
# (tools/test_matrix.sh); 0: one after the other.
SUITES_AT_ONCE ?= 1
# The CPythons `make test-matrix` runs the suite on (each must be on this machine).
PYTHONS ?= 3.10 3.11 3.12 3.13
# The suite: parallel (pytest-xdist), in a random order (pytest-randomly; replay one with
# --randomly-seed=N, the seed is in the header), the 10 slowest tests listed at the end. Four
# workers in all on 2 cores, shared by the suites running at once: a suite spends much of its
# time waiting on sockets, subprocesses and timers, so one worker per core leaves the cores
# half idle (on a 2-core machine, a suite on 2 workers used 116% CPU, on 4 193%).
PYTEST_WORKERS := $(if $(and $(filter 1,$(SUITES_AT_ONCE)),$(word 2,$(SUITE_PYTHONS))),2,4)
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist worksteal
# The tests that run a type checker over source text (marked typecheck: mypy and basedpyright
# check it as Python 3.10 whichever CPython runs them) are a static check: `make test` runs
# them once, in its static phase (`make typing`), and the suite on each CPython leaves them out.
SUITE_ARGS := $(PYTEST_PARALLEL) -m "not typecheck" --durations=10
# The wheel `make package` built, which the packaging test installs rather than build its own.
WHEEL := AWS_MLOPS_ASYNC_WHEEL="$$(ls "$(CURDIR)"/dist/aws_mlops_async-*.whl)"
export NO_MKDOCS_2_WARNING := 1

.PHONY: demo test check static lint typecheck typing generated docs package suite unit \
	test-thorough test-matrix bench generate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(INSTALL) $(VENV) -e .
	touch $@

$(VENV)/.dev: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(INSTALL) $(VENV) -e '.[dev,docs]'
	touch $@ $(VENV)/.runtime

demo: $(VENV)/.runtime
	$(BIN)/python examples/demo.py

# Everything CI checks, each once: the static checks, the docs and the package, and the whole
# suite (on .venv's CPython, or on each of SUITE_PYTHONS). Once the package is built, the
# suite runs beside the static checks (two jobs at a time: the checks, one after the other,
# fill the cores the suite leaves idle); each job's output is shown whole when it ends.
test:
	$(MAKE) --no-print-directory --jobs=2 --output-sync=target suite static

# The edit-test loop: lint, types and the unit tests (under a minute on a warm .venv).
check: lint typecheck
	$(BIN)/pytest $(PYTEST_PARALLEL) -q tests/unit

static: lint typecheck typing generated docs package

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.dev
	$(BIN)/mypy

# The typed surface as users' type checkers see it (tests/typing, and the attacks' mypy
# checks): the suite's typecheck tests, once.
typing: $(VENV)/.dev
	$(BIN)/pytest -n auto -q -m typecheck

generated: $(VENV)/.dev
	$(BIN)/python tools/generate_services.py --check

# The API reference and guides, built with --strict into site/: a broken reference, or a
# public name the reference leaves out, fails the build (docs/hooks.py).
docs: $(VENV)/.dev
	$(BIN)/mkdocs build --strict --quiet

# The sdist and wheel a release would upload, checked as PyPI renders them; the packaging
# test installs this wheel.
package: $(VENV)/.dev
	rm -rf dist
	$(BIN)/python -m build --outdir dist > /dev/null
	$(BIN)/twine check --strict dist/*

suite: package
ifeq ($(strip $(SUITE_PYTHONS)),)
	$(WHEEL) $(BIN)/pytest $(SUITE_ARGS)
else
	$(WHEEL) PYTHONS="$(SUITE_PYTHONS)" MATRIX_CONCURRENT=$(SUITES_AT_ONCE) \
		PYTEST_ARGS='$(SUITE_ARGS)' bash tools/test_matrix.sh
endif

# The whole suite alone, typecheck tests included, on .venv (the wheel built by the packaging
# test itself).
unit: $(VENV)/.dev
	$(BIN)/pytest $(PYTEST_PARALLEL) --durations=10

# Before a release: the suite with ten times the Hypothesis examples.
test-thorough: package
	HYPOTHESIS_PROFILE=thorough $(WHEEL) \
		$(BIN)/pytest $(PYTEST_PARALLEL) --durations=10

# The whole suite (typecheck tests included) on every CPython in PYTHONS, each in a venv of
# its own (.venv-3.X).
test-matrix:
	PYTHONS="$(PYTHONS)" PYTEST_ARGS="$(PYTEST_PARALLEL) --durations=10" bash tools/test_matrix.sh

$(VENV)/.bench: pyproject.toml $(CONSTRAINTS) | $(VENV)/.dev
	$(INSTALL) $(VENV) -e '.[dev,docs,bench]'
	touch $@

# Writes docs/benchmarks.md and docs/benchmarks.png (about 5 minutes on 2 cores), then the
# reliability run (10,000 jobs through faults, and a SIGKILL half way) and the watch of 10,000
# jobs (requests per poll cycle) and the follow of a training job's logs (8 instances, 10,000
# lines each: requests, lines per second, the follower's RSS) add their sections.
bench: $(VENV)/.bench
	$(BIN)/python bench/run_all.py
	$(BIN)/python bench/reliability.py
	$(BIN)/python bench/watch_requests.py
	$(BIN)/python bench/training_logs.py

generate: $(VENV)/.dev
	$(BIN)/python tools/generate_services.py

clean:
	rm -rf $(VENV) $(VENV)-3.* site dist
