"""GetLogEvents' tokens, shaped as CloudWatch Logs writes them: ``f/<56 digits>`` reads on from
a place in a stream, ``b/<56 digits>`` reads back from it.

Opaque to a client yet stable: the same place of the same stream always gives the same token,
so one handed back unchanged says nothing more was there. Each carries a digest of its stream
and place: a token of another stream, or one altered, is refused as `InvalidToken`.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from ...pagination import InvalidToken

__all__ = ["Direction", "read_token", "stream_token"]

Direction = Literal["f", "b"]
"""``f``: towards newer events (a forward token); ``b``: towards older ones."""

_DIGITS = 56
_PLACE_BITS = 64
_CHECK_BITS = 32


def stream_token(direction: Direction, stream: str, place: int) -> str:
    """The token reading ``direction`` from ``place`` (the index of the event it goes on
    from, forward; of the one after the first it leaves out, backward) of ``stream`` (its
    ARN)."""
    value = (_digest(stream, 64) << _PLACE_BITS | place) << _CHECK_BITS
    value |= _digest(f"{direction}/{stream}/{place}", _CHECK_BITS)
    return f"{direction}/{value:0{_DIGITS}d}"


def read_token(token: str, stream: str) -> tuple[Direction, int]:
    """The direction and place of ``token``, which `stream_token` made for ``stream``;
    `InvalidToken` otherwise."""
    direction, slash, digits = token.partition("/")
    if direction not in ("f", "b") or not slash or len(digits) != _DIGITS or not digits.isdigit():
        raise InvalidToken(token)
    value = int(digits)
    check = value & (1 << _CHECK_BITS) - 1
    place = value >> _CHECK_BITS & (1 << _PLACE_BITS) - 1
    owner = value >> _CHECK_BITS + _PLACE_BITS
    if owner != _digest(stream, 64) or check != _digest(f"{direction}/{stream}/{place}", 32):
        raise InvalidToken(token)
    return ("f" if direction == "f" else "b"), place


def _digest(text: str, bits: int) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=bits // 8).digest(), "big")
