"""The emulated services, one module each: handlers built on the library's models."""

from __future__ import annotations

from .base import LocalService
from .batch import SERVICE as BATCH
from .datazone import SERVICE as DATAZONE
from .lookoutvision import SERVICE as LOOKOUTVISION
from .sagemaker import SERVICE as SAGEMAKER

__all__ = ["SERVICES"]

#: Every emulated service.
SERVICES: tuple[LocalService, ...] = (SAGEMAKER, BATCH, DATAZONE, LOOKOUTVISION)
