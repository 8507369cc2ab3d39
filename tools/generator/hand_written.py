"""The hand-written code the registry names, found in its source (never imported: the
generated code loads it on first use): a service's extension class, which must extend the
generated client, and each operation's preparation function. A wrong name fails generation,
naming the entry, instead of failing a user's first call."""

from __future__ import annotations

import ast
from pathlib import Path

from registry import Service

from . import GenerationError
from .source import ROOT

__all__ = ["check_hand_written", "extension_class"]


def check_hand_written(service: Service) -> None:
    """Refuse a registry entry whose extension or preparations name nothing there is."""
    extension_class(service)
    for operation, function in service.preparations.items():
        if operation not in service.operations:
            raise GenerationError(
                f"{service.name}: a preparation for {operation}, which the registry does not "
                "bind (misspelt?)"
            )
        module, _, name = function.rpartition(".")
        if _definition(_source(service, module, function), name, ast.FunctionDef) is None:
            raise GenerationError(f"{service.name}: preparation {function}: no function {name}")


def extension_class(service: Service) -> ast.ClassDef | None:
    """The service's extension class as written, None without one; a GenerationError when
    it is missing or does not extend the generated client."""
    if service.extension is None:
        return None
    module, _, name = service.extension.rpartition(".")
    found = _definition(_source(service, module, service.extension), name, ast.ClassDef)
    if not isinstance(found, ast.ClassDef):
        raise GenerationError(f"{service.name}: extension {service.extension}: no class {name}")
    bases = {ast.unparse(base).rpartition(".")[2] for base in found.bases}
    if service.client not in bases:
        raise GenerationError(
            f"{service.name}: extension {service.extension} must extend the generated "
            f"{service.client}, not {', '.join(sorted(bases)) or 'object'}"
        )
    return found


def _source(service: Service, module: str, named: str) -> Path:
    path = ROOT.joinpath(*module.split("."))
    source = path.with_suffix(".py") if path.with_suffix(".py").exists() else path / "__init__.py"
    if not source.exists():
        raise GenerationError(f"{service.name}: {named}: no module {module} under {ROOT}")
    return source


def _definition(source: Path, name: str, kind: type[ast.AST]) -> ast.AST | None:
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef) if kind is ast.FunctionDef else (kind,)
    for node in ast.parse(source.read_text()).body:
        if isinstance(node, kinds) and getattr(node, "name", None) == name:
            return node
    return None
