"""The typed surface, checked by mypy itself: right calls pass, wrong ones are flagged."""

from __future__ import annotations

import re
from pathlib import Path

from mypy import api

TYPING = Path(__file__).parent.parent / "typing"


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
