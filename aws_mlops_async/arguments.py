"""Checks of the arguments public functions take, where they enter: before anything is sent,
started or opened, a bad argument is a `ConfigurationError` naming it and saying what it
takes.

The rule, for every public function of the library: an argument of the wrong type or value is a
`ConfigurationError` (also a ``ValueError``); a keyword the function does not have is Python's
own ``TypeError``; a request's fields are a `ValidationError` naming each invalid one.
Durations, delays, intervals and rates are finite positive numbers (a bool is no number).
"""

from __future__ import annotations

import math
from typing import Any, TypeVar

from .errors import ConfigurationError

__all__ = ["flag", "one_of", "positive_int", "positive_number", "text"]

T = TypeVar("T")


def positive_number(
    name: str, value: Any, *, optional: bool = False, maximum: float | None = None
) -> Any:
    """``value`` when it is a finite number > 0 (at most ``maximum``), or None when
    ``optional``; else a ConfigurationError naming ``name``."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _refused(name, value, "a number of seconds" if "rate" not in name else "a number")
    if not math.isfinite(value) or value <= 0:
        raise _refused(name, value, "a finite number > 0")
    if maximum is not None and value > maximum:
        raise _refused(name, value, f"at most {maximum:g}")
    return value


def positive_int(
    name: str, value: Any, *, optional: bool = False, maximum: int | None = None
) -> Any:
    """``value`` when it is an int >= 1 (at most ``maximum``), or None when ``optional``;
    else a ConfigurationError naming ``name``."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refused(name, value, "an int")
    if value < 1:
        raise _refused(name, value, "an int >= 1")
    if maximum is not None and value > maximum:
        raise _refused(name, value, f"at most {maximum:,}")
    return value


def flag(name: str, value: Any) -> bool:
    """``value`` when it is True or False; else a ConfigurationError naming ``name``."""
    if not isinstance(value, bool):
        raise _refused(name, value, "True or False")
    return value


def text(name: str, value: Any, *, optional: bool = False) -> Any:
    """``value`` when it is a non-blank str (or None when ``optional``); else a
    ConfigurationError naming ``name``."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _refused(name, value, "a str")
    if not value.strip():
        raise _refused(name, value, "a non-blank str")
    return value


def one_of(name: str, value: T, choices: tuple[T, ...]) -> T:
    """``value`` when it is one of ``choices``; else a ConfigurationError naming ``name``."""
    if not any(value == choice and type(value) is type(choice) for choice in choices):
        allowed = " or ".join(repr(choice) for choice in choices)
        raise _refused(name, value, allowed)
    return value


def _refused(name: str, value: Any, wanted: str) -> ConfigurationError:
    plain = isinstance(value, (int, float, str, type(None)))
    shown = repr(value) if plain else type(value).__name__
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return ConfigurationError(f"{name} must be {wanted}, not {shown}")
