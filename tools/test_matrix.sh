#!/usr/bin/env bash
# The test suite on each CPython of $PYTHONS (e.g. "3.10 3.13"), each in a venv of its own
# (.venv-3.X, kept between runs), or in .venv when that already is the version asked for (so
# CI installs no interpreter's packages twice). An interpreter this machine lacks is an error,
# not a skip. $PYTEST_ARGS are passed to pytest (as shell words: quotes group, as in
# -m "not typecheck").
#
# With MATRIX_CONCURRENT=1 the venvs are installed and the suites run at the same time (much of
# a suite waits on sockets, subprocesses and timers, so two of them keep 2 cores busier than
# one does): each one's output, its install's included, is kept in a log and shown whole, in
# the order of $PYTHONS, once it has ended. The
# exit status is the first failing suite's, or 0.
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

# The arguments as the shell would read them on a command line (make passes a quoted -m).
eval "pytest_args=(${PYTEST_ARGS:-})"
# shellcheck disable=SC2206  # the versions are words
versions=(${PYTHONS:-3.10 3.11 3.12 3.13})
venvs=()
pythons=()

# Every interpreter first, so that a missing one stops the run before anything is installed.
for version in "${versions[@]}"; do
    if [ -x .venv/bin/python ] && [ -f .venv/.dev ] && [ "$(version_of .venv/bin/python)" = "$version" ]; then
        venvs+=(.venv)
        pythons+=("")
        echo "== CPython $version: .venv"
    else
        python=$(find_python "$version")
        if [ -z "$python" ]; then
            echo "test-matrix: no CPython $version on this machine (looked under pyenv's versions and for python$version on the PATH)" >&2
            exit 1
        fi
        venvs+=(".venv-$version")
        pythons+=("$python")
        echo "== CPython $version: $python"
    fi
done

prepare() {
    # The venv of one version, made if missing, the package and its dev extra installed.
    local venv=$1 python=$2
    [ -n "$python" ] || return 0
    [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
    bash tools/install.sh "$venv" -e '.[dev]'
}

if [ "${MATRIX_CONCURRENT:-0}" != 1 ] || [ "${#versions[@]}" -lt 2 ]; then
    for index in "${!versions[@]}"; do
        prepare "${venvs[index]}" "${pythons[index]}"
    done
    for index in "${!versions[@]}"; do
        echo "== CPython ${versions[index]}: the suite"
        "${venvs[index]}/bin/python" -m pytest "${pytest_args[@]}"
    done
    exit 0
fi

logs=$(mktemp -d)
pids=()
stop() {
    # Only what this script started: each suite's pytest (which ends its own xdist workers).
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    rm -rf "$logs"
}
trap stop EXIT
for index in "${!versions[@]}"; do
    (
        prepare "${venvs[index]}" "${pythons[index]}" || exit
        exec "${venvs[index]}/bin/python" -m pytest "${pytest_args[@]}"
    ) > "$logs/${versions[index]}.log" 2>&1 &
    pids+=($!)
done
echo "== the suites on CPython ${versions[*]} at once; each one's output follows when it ends"
failed=0
for index in "${!versions[@]}"; do
    status=0
    wait "${pids[index]}" || status=$?
    echo "== CPython ${versions[index]}: the suite (exit status $status)"
    cat "$logs/${versions[index]}.log"
    if [ "$status" != 0 ] && [ "$failed" = 0 ]; then
        failed=$status
    fi
done
pids=()
exit "$failed"
