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
import re
from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from yarl import URL

from .errors import ConfigurationError

__all__ = [
    "MAX_URL",
    "SHOWN",
    "flag",
    "function",
    "http_url",
    "instance",
    "known_name",
    "mapping",
    "one_of",
    "positive_int",
    "positive_number",
    "printable",
    "region",
    "text",
    "unknown_name",
    "with_methods",
]

T = TypeVar("T")

#: The most characters of a refused value a refusal shows.
SHOWN = 60
#: The longest endpoint URL taken.
MAX_URL = 2048
_PRINTABLE = re.compile(r"[!-~]+")
_REGION = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?")


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


def text(
    name: str,
    value: Any,
    *,
    optional: bool = False,
    max_length: int | None = None,
    secret: bool = False,
) -> Any:
    """``value`` as a plain str when it is a non-blank str of at most ``max_length``
    characters (or None when ``optional``); else a ConfigurationError naming ``name`` (not
    showing the value when it is a ``secret``).

    A str subclass is taken as the plain str it holds, so that no ``__eq__`` or ``__hash__``
    of its own runs where the value is compared or looked up later."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _refused(name, value, "a str", secret=secret)
    plain = str.__str__(value)
    if not plain.strip():
        raise _refused(name, plain, "a non-blank str", secret=secret)
    if max_length is not None and len(plain) > max_length:
        raise _refused(name, plain, f"at most {max_length:,} characters", secret=secret)
    return plain


def printable(
    name: str, value: Any, *, optional: bool = False, max_length: int, secret: bool = False
) -> Any:
    """`text` that may go into a header or a signature: printable ASCII without spaces (no
    control character, no lone surrogate); else a ConfigurationError naming ``name``."""
    plain = text(name, value, optional=optional, max_length=max_length, secret=secret)
    if plain is not None and not _PRINTABLE.fullmatch(plain):
        raise _refused(name, plain, "printable ASCII without spaces", secret=secret)
    return plain


def region(name: str, value: Any) -> Any:
    """``value`` when it is None or a region name as botocore takes it (``us-east-1``: up to
    63 letters, digits and inner hyphens); else a ConfigurationError naming ``name``."""
    plain = text(name, value, optional=True, max_length=63)
    if plain is not None and not _REGION.fullmatch(plain):
        raise _refused(name, plain, "a region name such as 'us-east-1'")
    return plain


def http_url(name: str, value: Any, *, optional: bool = False) -> Any:
    """``value`` when it is an absolute http(s) URL (or None when ``optional``); else a
    ConfigurationError naming ``name``."""
    plain = text(name, value, optional=optional, max_length=MAX_URL)
    if plain is None:
        return None
    try:
        url = URL(plain)
    except ValueError:
        url = None
    if url is None or not url.is_absolute() or url.scheme not in ("http", "https"):
        raise _refused(name, plain, "an http(s) URL")
    return plain


def known_name(name: str, value: Any, known: Collection[str], what: str) -> str:
    """``value`` as a plain str when it is one of the ``known`` names; else a
    ConfigurationError saying ``what`` has none of that name (``what``: "AWS Batch has no
    waiter") and which there are. The type is checked before the value is compared or
    hashed."""
    if isinstance(value, str) and (plain := str.__str__(value)) in known:
        return plain
    raise unknown_name(name, value, known, what)


def unknown_name(name: str, value: Any, known: Collection[str], what: str) -> ConfigurationError:
    """The ConfigurationError refusing ``value`` as none of the ``known`` names (what
    `known_name` raises): that it must be a str, or that ``what`` has none of that name."""
    if not isinstance(value, str):
        return _refused(name, value, "a str")
    there = ", ".join(known) or "none"
    return ConfigurationError(f"{what} {_shown(str.__str__(value))} (there are: {there})")


def instance(
    name: str, value: Any, kind: type | tuple[type, ...], wanted: str, *, optional: bool = False
) -> Any:
    """``value`` when it is a ``kind`` (or None when ``optional``); else a
    ConfigurationError naming ``name`` and saying it must be ``wanted``."""
    if value is None and optional:
        return None
    if not isinstance(value, kind):
        raise _refused(name, value, wanted)
    return value


def function(name: str, value: Any, wanted: str, *, optional: bool = False) -> Any:
    """``value`` when it is callable (or None when ``optional``); else a ConfigurationError
    naming ``name`` and saying it must be ``wanted``."""
    if value is None and optional:
        return None
    if not callable(value):
        raise _refused(name, value, wanted)
    return value


def mapping(
    name: str,
    value: Any,
    *,
    optional: bool = False,
    values: type | None = None,
    wanted: str = "a mapping",
) -> Any:
    """``value`` when it is a mapping whose keys are plain str (and whose values are
    ``values``, when given), or None when ``optional``; else a ConfigurationError naming
    ``name`` (saying it must be ``wanted``). A key of another type is refused, not taken as
    its ``str()``."""
    if value is None and optional:
        return None
    if not isinstance(value, Mapping):
        raise _refused(name, value, wanted)
    for key, item in value.items():
        if type(key) is not str:
            raise _refused(f"a key of {name}", key, "a str")
        if values is not None and not isinstance(item, values):
            raise _refused(f"{name}[{_shown(key)}]", item, f"a {values.__name__}")
    return value


def with_methods(
    name: str, value: Any, methods: tuple[str, ...], wanted: str, *, optional: bool = False
) -> Any:
    """``value`` when it has each of ``methods`` (or None when ``optional``): what an
    object standing for another class (a provider, a transport) must offer; else a
    ConfigurationError naming ``name`` and saying it must be ``wanted``."""
    if value is None and optional:
        return None
    if not all(callable(getattr(value, method, None)) for method in methods):
        raise _refused(name, value, wanted)
    return value


def one_of(name: str, value: T, choices: tuple[T, ...]) -> T:
    """``value`` when it is one of ``choices``; else a ConfigurationError naming ``name``.
    The type is checked first: no ``__eq__`` of the value's own runs."""
    if not any(type(value) is type(choice) and value == choice for choice in choices):
        allowed = " or ".join(repr(choice) for choice in choices)
        raise _refused(name, value, allowed)
    return value


def _refused(name: str, value: Any, wanted: str, *, secret: bool = False) -> ConfigurationError:
    plain = type(value) in (int, float, str, type(None)) and not secret
    shown = _shown(value) if plain else type(value).__name__
    return ConfigurationError(f"{name} must be {wanted}, not {shown}")


def _shown(value: object) -> str:
    """``repr(value)``, cut to `SHOWN` characters: a refusal never echoes a huge value."""
    shown = repr(value)
    return shown if len(shown) <= SHOWN else shown[: SHOWN - 3] + "..."
