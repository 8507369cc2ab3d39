"""The error answers of the emulator: one exception carrying code, message, status, members."""

from __future__ import annotations

from typing import Any

__all__ = ["LocalError", "auth_error"]


class LocalError(Exception):
    """An error response: the wire code, its message, the HTTP status and any modeled members
    (Lookout for Vision's ``ResourceId``, ``ResourceType``) to put in the body."""

    def __init__(self, code: str, message: str, status: int = 400, **members: Any) -> None:
        super().__init__(f"{code} ({status}): {message}")
        self.code = code
        self.message = message
        self.status = status
        self.members = members


def auth_error(code: str, message: str) -> LocalError:
    """A request authentication failure: HTTP 403 with the code AWS's front end uses."""
    return LocalError(code, message, 403)
