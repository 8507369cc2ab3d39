"""The error answers of the emulator: one exception carrying code, message, status, members;
the message AWS gives a request that breaks its model; and the error of a snapshot file the
emulator cannot read or write."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pydantic

from ..modeling import wire_path

__all__ = ["LocalError", "SnapshotError", "auth_error", "validation_message"]


class LocalError(Exception):
    """An error response: the wire code, its message, the HTTP status and any modeled members
    (Lookout for Vision's ``ResourceId``, ``ResourceType``) to put in the body."""

    def __init__(self, code: str, message: str, status: int = 400, **members: Any) -> None:
        super().__init__(f"{code} ({status}): {message}")
        self.code = code
        self.message = message
        self.status = status
        self.members = members


class SnapshotError(ValueError):
    """A snapshot file the emulator cannot load or write: ``snapshot <path> <problem>``, one
    line (``problem``: ``is not JSON (line 3, column 5: ...)``, ``is a directory, ...``,
    ``cannot be written: ...``)."""

    def __init__(self, path: os.PathLike[str] | str, problem: str) -> None:
        super().__init__(f"snapshot {path} {problem}")
        self.path = Path(path)
        self.problem = problem


def auth_error(code: str, message: str) -> LocalError:
    """A request authentication failure: HTTP 403 with the code AWS's front end uses."""
    return LocalError(code, message, 403)


def validation_message(
    operation: str, error: pydantic.ValidationError, model: type[pydantic.BaseModel]
) -> str:
    """What AWS says of a request ``error`` found breaking ``operation``'s ``model``: ``N
    validation errors detected: Value at 'Member' failed to satisfy constraint: ...``, the
    members by their wire names."""
    details = error.errors(include_url=False, include_input=False)
    detail = "; ".join(
        f"Value at '{wire_path(model, item['loc'])}' failed to satisfy constraint: {item['msg']}"
        for item in details
    )
    plural = "s" if len(details) != 1 else ""
    return f"{len(details)} validation error{plural} detected: {detail}"
