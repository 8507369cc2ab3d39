"""The typed surface, checked by the type checkers themselves: right calls pass, wrong ones
are flagged; models built with Python names, and every example, pass mypy --strict without the
pydantic plugin and basedpyright strict (what VS Code's Pylance reports), as users run them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mypy import api

TYPING = Path(__file__).parent
ROOT = TYPING.parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
AS_USERS_WRITE = [TYPING / "models_ok.py", *EXAMPLES]

pytestmark = [pytest.mark.timeout(300), pytest.mark.typecheck]


def run_mypy(path: Path) -> tuple[str, int]:
    stdout, stderr, status = api.run(
        ["--strict", "--no-error-summary", "--hide-error-context", "--no-incremental", str(path)]
    )
    return stdout + stderr, status


def test_every_method_called_right_type_checks() -> None:
    output, status = run_mypy(TYPING / "calls_ok.py")
    assert status == 0, output


def test_wrong_calls_are_rejected_line_by_line() -> None:
    source = (TYPING / "calls_wrong.py").read_text().splitlines()
    expected = {
        number for number, line in enumerate(source, 1) if line.rstrip().endswith("# error")
    }
    output, status = run_mypy(TYPING / "calls_wrong.py")
    flagged = {int(m) for m in re.findall(r"calls_wrong\.py:(\d+): error", output)}
    assert status == 1
    assert expected == flagged, output


def test_what_users_write_passes_mypy_strict_without_the_pydantic_plugin() -> None:
    stdout, stderr, status = api.run(
        [
            "--config-file",
            str(TYPING / "mypy-no-plugin.ini"),
            "--no-error-summary",
            "--hide-error-context",
            "--no-incremental",
            *map(str, AS_USERS_WRITE),
        ]
    )
    assert status == 0, stdout + stderr


def test_what_users_write_passes_basedpyright_strict() -> None:
    checker = shutil.which("basedpyright", path=str(Path(sys.executable).parent))
    assert checker is not None, "basedpyright is a dev dependency"
    result = subprocess.run(
        [
            checker,
            "--project",
            str(TYPING / "pyrightconfig.json"),
            "--pythonpath",
            sys.executable,
            *map(str, AS_USERS_WRITE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
