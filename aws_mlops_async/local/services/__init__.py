"""The services the emulator answers: every service the library binds (``CLIENTS``,
generated from tools/registry.py), each by its module here when it has one (handlers built on
the library's models), else by `not_emulated`: every operation of it answers ``501
NotImplemented`` naming it, as an operation its module leaves out does."""

from __future__ import annotations

import importlib

from ..._session_clients import CLIENTS
from .base import LocalService, not_emulated

__all__ = ["SERVICES"]


def _local_service(name: str) -> LocalService:
    """Service ``name`` as the emulator speaks it: its module's, else one emulating nothing."""
    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
        operations = importlib.import_module(f"aws_mlops_async.services.{name}.operations")
        return not_emulated(operations.SERVICE, operations.OPERATIONS)
    service: LocalService = module.SERVICE
    return service


#: Every service the library binds, in the registry's order.
SERVICES: tuple[LocalService, ...] = tuple(_local_service(name) for name in CLIENTS)
