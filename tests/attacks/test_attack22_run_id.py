"""Attack 22: run ids as people type them."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from aws_mlops_async.bulk import derive_token

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(60)
def test_tokens_are_stable_across_processes() -> None:
    """What held: a token does not depend on PYTHONHASHSEED."""
    code = "from aws_mlops_async.bulk import derive_token; print(derive_token('nightly-é', 3))"
    tokens = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("0", "1", "12345")
    }
    assert tokens == {derive_token("nightly-é", 3)}


@pytest.mark.timeout(30)
def test_the_same_run_id_typed_two_ways_derives_the_same_tokens() -> None:
    """'café' composed (NFC, as Linux shells type it) and decomposed (NFD, as macOS file
    names and some input methods give it) is the same run id on screen, in a results file
    and in a log: a rerun under it must create nothing twice."""
    composed = unicodedata.normalize("NFC", "nightly-café")
    decomposed = unicodedata.normalize("NFD", "nightly-café")
    assert composed != decomposed
    assert derive_token(composed, 0) == derive_token(decomposed, 0)
