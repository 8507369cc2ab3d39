"""The package as a user gets it: the wheel built from this tree, installed with its
``[pytest]`` extra into a fresh virtual environment, runs the README's test example, copied
verbatim into a project with nothing else, under ``-W error``.

``make test`` builds the wheel once (``make package``) and names it in
``AWS_MLOPS_ASYNC_WHEEL``; run alone, the test builds its own.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

pytestmark = pytest.mark.timeout(900)


def readme_examples() -> list[str]:
    """The code blocks that follow a ``<!-- pytest-example... -->`` marker in README.md."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(
        r"<!-- pytest-example(?:: [\w-]+)? -->\n```python\n(.*?)```", text, re.DOTALL
    )
    assert len(found) >= 2, "README.md lacks its marked pytest examples"
    return found


def run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def built_wheel(tmp_path: Path) -> Path:
    """The wheel ``make package`` built, else one built from this tree now."""
    given = os.environ.get("AWS_MLOPS_ASYNC_WHEEL")
    if given:
        wheel = Path(given)
        assert wheel.is_file(), f"AWS_MLOPS_ASYNC_WHEEL names no file: {given}"
        return wheel
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, ROOT)
    [wheel] = dist.glob("aws_mlops_async-*.whl")
    return wheel


def test_the_readme_pytest_example_runs_from_the_installed_wheel(tmp_path: Path) -> None:
    wheel = built_wheel(tmp_path)
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    pip = (python, "-m", "pip", "install", "-q", "--disable-pip-version-check")
    run(*pip, "-c", ROOT / "constraints.txt", f"{wheel}[pytest]")
    project = tmp_path / "project"
    project.mkdir()
    examples = readme_examples()
    for number, example in enumerate(examples):
        (project / f"test_example_{number}.py").write_text(example, encoding="utf-8")
    result = run(python, "-m", "pytest", "-W", "error", "-p", "no:cacheprovider", cwd=project)
    assert f"{len(examples)} passed" in result.stdout, result.stdout
