"""The other services' clients an extension calls on: in the same Session and region as the
client it extends, made once per client."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from ..client import BaseClient

__all__ = ["sibling"]

ClientT = TypeVar("ClientT", bound="BaseClient")

_MADE: weakref.WeakKeyDictionary[BaseClient, dict[type[BaseClient], BaseClient]] = (
    weakref.WeakKeyDictionary()
)


def sibling(client: BaseClient, kind: type[ClientT]) -> ClientT:
    """A ``kind`` client for ``client``'s Session and region (its endpoint is the Session's,
    or the one configured for its service: a custom endpoint of ``client`` is its own
    service's)."""
    made = _MADE.setdefault(client, {})
    found = made.get(kind)
    if not isinstance(found, kind):
        found = kind(client.session, region_name=client.region_name)
        made[kind] = found
    return found
