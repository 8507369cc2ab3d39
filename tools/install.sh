#!/usr/bin/env bash
# Install into the virtual environment $1 what the other arguments name (pip install's), at
# the versions constraints.txt pins: with uv, which does in ~7 s what takes pip ~55 s (the
# dev and docs extras, on a 2-core machine), or with pip wherever uv cannot be had or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$1
shift
python="$venv/bin/python"
pip=("$python" -m pip install --quiet --disable-pip-version-check -c constraints.txt)
# The system's certificates, as pip uses them (a proxy's own authority included).
if "${pip[@]}" uv > /dev/null 2>&1 &&
    UV_NATIVE_TLS=1 "$python" -m uv pip install --quiet --python "$python" -c constraints.txt "$@"; then
    exit 0
fi
echo "tools/install.sh: uv could not install into $venv; pip does" >&2
exec "${pip[@]}" "$@"
