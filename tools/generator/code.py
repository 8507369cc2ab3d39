"""Writing a generated module: its imports collected as the code uses names, then formatted
the way the project's own code is (ruff)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from collections import defaultdict
from pathlib import Path

__all__ = ["Module", "format_modules"]


class Module:
    """A module being written: a docstring, the names it imports (as its code uses them), the
    names it imports only for type checking, and its body."""

    def __init__(self, docstring: str, *, postponed_annotations: bool = True) -> None:
        self.docstring = docstring
        #: ``from __future__ import annotations``; without it, every name an annotation uses
        #: must be defined (or imported at run time) before it.
        self.postponed_annotations = postponed_annotations
        self._imports: dict[str, set[str]] = defaultdict(set)
        self._typing_imports: dict[str, set[str]] = defaultdict(set)
        self._plain_imports: set[str] = set()
        self.parts: list[str] = []

    def use(self, module: str, name: str) -> str:
        """Import ``name`` from ``module`` and return it, for the code to spell."""
        self._imports[module].add(name)
        return name

    def use_module(self, module: str) -> str:
        """``import module``; its name for the code to spell."""
        self._plain_imports.add(module)
        return module

    def use_for_typing(self, module: str, name: str) -> str:
        """Import ``name`` from ``module`` for type checking only (it is not loaded at run
        time); the name, for annotations to spell."""
        self._typing_imports[module].add(name)
        return name

    def add(self, code: str) -> None:
        """Append a piece of the body (a statement, a class, a function)."""
        self.parts.append(textwrap.dedent(code).strip("\n"))

    def render(self) -> str:
        """The module's source text, before formatting."""
        lines = [self.docstring.rstrip("\n"), ""]
        if self.postponed_annotations:
            lines += ["from __future__ import annotations", ""]
        for module in sorted(self._plain_imports):
            lines.append(f"import {module}")
        for module, names in sorted(self._imports.items()):
            lines.append(f"from {module} import {', '.join(sorted(names))}")
        if self._typing_imports:
            if "TYPE_CHECKING" not in self._imports.get("typing", set()):
                lines.append("from typing import TYPE_CHECKING")
            lines += ["", "if TYPE_CHECKING:"]
            for module, names in sorted(self._typing_imports.items()):
                lines.append(f"    from {module} import {', '.join(sorted(names))}")
        lines.append("")
        body = "\n\n\n".join(self.parts)
        return "\n".join(lines) + "\n\n" + body + "\n"


def format_modules(files: dict[Path, str], root: Path) -> dict[Path, str]:
    """Each module's text, its imports sorted and its code formatted by ruff with the project's
    settings: one run over all of them, in a scratch folder."""
    with tempfile.TemporaryDirectory() as scratch:
        copies = {path: Path(scratch) / str(index) / path.name for index, path in enumerate(files)}
        for path, copy in copies.items():
            copy.parent.mkdir()
            copy.write_text(files[path])
        settings = ["--config", str(root / "pyproject.toml")]
        for command in (
            ["check", "--fix", "--select", "I,RUF022", "--quiet"],
            ["format", "--quiet"],
        ):
            result = subprocess.run(
                [sys.executable, "-m", "ruff", *command, *settings, scratch],
                capture_output=True,
                text=True,
                cwd=root,
            )
            if result.returncode != 0:
                failed = [path for path, copy in copies.items() if str(copy) in result.stdout]
                raise RuntimeError(f"ruff failed on {failed or 'the modules'}:\n{result.stdout}")
        return {path: copy.read_text() for path, copy in copies.items()}
