"""The DataZone client: SageMaker Unified Studio notebook runs."""

from __future__ import annotations

from typing import ClassVar

from ...client import BaseClient
from ...endpoints import EndpointRules
from .errors import DataZoneExceptions
from .operations import SERVICE

__all__ = ["DataZoneClient"]


class DataZoneClient(BaseClient):
    """Async client for SageMaker Unified Studio notebook runs; get it as ``session.datazone``."""

    service = SERVICE
    exceptions: ClassVar[type[DataZoneExceptions]] = DataZoneExceptions
    # DataZone's ruleset has no dual-stack switch: it uses api.aws hosts wherever they exist.
    endpoint_rules = EndpointRules(
        default="datazone.{region}.{dns_suffix}",
        fips="datazone-fips.{region}.{dns_suffix}",
        dualstack="datazone.{region}.{dualstack_dns_suffix}",
        fips_dualstack="datazone-fips.{region}.{dualstack_dns_suffix}",
        dualstack_always=True,
    )
