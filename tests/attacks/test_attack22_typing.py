"""Attack 22: a sensitive member, written as the runtime takes it, under mypy --strict."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SNIPPET = """\
from aws_mlops_async.services.datazone.models import StartNotebookRunInput

request = StartNotebookRunInput(
    domain_identifier="dzd_1",
    owning_project_identifier="project",
    notebook_identifier="notebook",
    parameters={"learning_rate": "0.1"},
    metadata={"owner": "ml-team"},
)
"""


@pytest.mark.typecheck
@pytest.mark.timeout(300)
def test_a_plain_dict_for_sensitive_members_type_checks(tmp_path: Path) -> None:
    """CHANGELOG: constructors type-check as they run. The constructor takes plain dicts
    for `parameters` and `metadata` (and keeps them masked), but mypy --strict refuses
    them: it wants `SecretValue`s, which a user should not have to build."""
    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET)
    pytest.importorskip("mypy")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            # The oldest CPython supported, whichever runs the check (as the typing tests).
            "--python-version",
            "3.10",
            "--no-incremental",
            "--cache-dir",
            os.devnull,
            str(snippet),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "MYPYPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert done.returncode == 0, done.stdout
