"""MkDocs hooks: the command-line reference printed from the parsers themselves, and a build
that fails when a public name is missing from the API reference.

A public name is one in the ``__all__`` of a module users import from (`DOCUMENTED`); the
reference documents it when mkdocstrings put it in the site's inventory (``objects.inv``),
under that module or under the module that defines it.
"""

from __future__ import annotations

import argparse
import importlib
import zlib
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from aws_mlops_async._session_clients import CLIENTS as SERVICES

DOCUMENTED = (
    "aws_mlops_async",
    "aws_mlops_async.session",
    "aws_mlops_async.config",
    "aws_mlops_async.credentials",
    "aws_mlops_async.errors",
    "aws_mlops_async.bulk",
    "aws_mlops_async.ext.batch",
    "aws_mlops_async.ext.watching",
    "aws_mlops_async.ext.training_payload",
    "aws_mlops_async.transport",
    "aws_mlops_async.testing",
    "aws_mlops_async.pagination",
    "aws_mlops_async.waiters",
    "aws_mlops_async.metadata",
    "aws_mlops_async.interceptors",
    "aws_mlops_async.contrib.opentelemetry",
    "aws_mlops_async.local",
    "aws_mlops_async.local.pytest_plugin",
    "aws_mlops_async.contrib.fastapi",
    *(
        f"aws_mlops_async.services.{service}.{part}"
        for service in SERVICES
        for part in ("client", "errors", "models")
    ),
)
CLI_PLACEHOLDER = "<!-- cli-help -->"


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    """Fill the command-line reference with every command's ``--help``."""
    if CLI_PLACEHOLDER not in markdown:
        return markdown
    from aws_mlops_async.cli import _parser
    from aws_mlops_async.local.__main__ import parser as emulator_parser

    sections = [_help_sections(_parser(), "aws-mlops-async", level=2)]
    sections.append(_help_sections(emulator_parser(), "python -m aws_mlops_async.local", level=2))
    return markdown.replace(CLI_PLACEHOLDER, "\n\n".join(sections))


def _help_sections(parser: argparse.ArgumentParser, name: str, level: int) -> str:
    text = f"{'#' * level} `{name}`\n\n```text\n{parser.format_help()}```\n"
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command, subparser in action.choices.items():
                text += "\n" + _help_sections(subparser, f"{name} {command}", min(level + 1, 4))
    return text


def on_post_build(config: Any, **_: Any) -> None:
    """Fail the build when a public name is not in the API reference."""
    documented = _inventory(Path(config["site_dir"]) / "objects.inv")
    missing = [
        f"{module}.{name}"
        for module in DOCUMENTED
        for name in importlib.import_module(module).__all__
        if not name.startswith("__") and not _is_documented(module, name, documented)
    ]
    if missing:
        raise PluginError("Public names missing from the API reference: " + ", ".join(missing))


def _is_documented(module: str, name: str, documented: set[str]) -> bool:
    if f"{module}.{name}" in documented:
        return True
    value = getattr(importlib.import_module(module), name)
    home = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None)
    if home and qualname and f"{home}.{qualname}" in documented:
        return True
    # A type alias keeps no home of its own: look for it under any documented module.
    return any(entry.endswith(f".{name}") and entry.startswith("aws_mlops_async.")
               for entry in documented)  # fmt: skip


def _inventory(path: Path) -> set[str]:
    """The object names in a Sphinx inventory (version 2) as mkdocstrings writes it."""
    data = path.read_bytes()
    header_end = 0
    for _ in range(4):
        header_end = data.index(b"\n", header_end) + 1
    lines = zlib.decompress(data[header_end:]).decode().splitlines()
    return {line.split(" ", 1)[0] for line in lines if line}
