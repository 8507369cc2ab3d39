"""Names a package exports but imports on first use (PEP 562), so importing it stays cheap."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    module: str, homes: Mapping[str, str], *, package: str | None = None
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``module``: each name in ``homes`` is read from
    its home (``homes[name]``, a submodule of ``package``, by default of ``module`` itself)
    when first asked for.

    Bind them under ``if not TYPE_CHECKING:``, the same names imported under
    ``if TYPE_CHECKING:``, so a type checker sees each name's type and refuses a misspelt one.
    """
    namespace = sys.modules[module].__dict__
    base = package or module

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{base}.{home}"), name)
        namespace[name] = value  # the next lookup is a plain one
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *homes})

    return __getattr__, __dir__
