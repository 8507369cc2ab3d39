#!/usr/bin/env bash
# The test suite on each CPython of $PYTHONS (e.g. "3.10 3.13"), each in a venv of its own
# (.venv-3.X, kept between runs), or in .venv when that already is the version asked for (so
# CI installs no interpreter's packages twice). An interpreter this machine lacks is an error,
# not a skip. $PYTEST_ARGS are passed to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

version_of() {
    "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

find_python() {
    # pyenv's installs first (its shims may refuse a version not selected), then the PATH.
    local version=$1 candidate
    for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/python "$(command -v "python$version" || true)"; do
        if [ -x "$candidate" ] && [ "$(version_of "$candidate")" = "$version" ]; then
            echo "$candidate"
            return
        fi
    done
}

for version in ${PYTHONS:-3.10 3.11 3.12 3.13}; do
    if [ -x .venv/bin/python ] && [ -f .venv/.dev ] && [ "$(version_of .venv/bin/python)" = "$version" ]; then
        venv=.venv
        echo "== CPython $version: .venv"
    else
        python=$(find_python "$version")
        if [ -z "$python" ]; then
            echo "test-matrix: no CPython $version on this machine (looked under pyenv's versions and for python$version on the PATH)" >&2
            exit 1
        fi
        venv=".venv-$version"
        echo "== CPython $version: $python"
        [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
    fi
    # shellcheck disable=SC2086  # the arguments are words
    "$venv/bin/python" -m pytest ${PYTEST_ARGS:-}
done
