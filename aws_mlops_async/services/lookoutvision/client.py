"""The Lookout for Vision client: model packaging jobs."""

from __future__ import annotations

from typing import ClassVar

from ...client import BaseClient
from ...endpoints import EndpointRules
from .errors import LookoutVisionExceptions
from .operations import SERVICE

__all__ = ["LookoutVisionClient"]


class LookoutVisionClient(BaseClient):
    """Async client for Lookout for Vision model packaging; get it as ``session.lookoutvision``.

    AWS ended support for Lookout for Vision on 2025-10-31 and botocore no longer ships its
    model; this client speaks its last published API (2020-11-20).
    """

    service = SERVICE
    exceptions: ClassVar[type[LookoutVisionExceptions]] = LookoutVisionExceptions
    endpoint_rules = EndpointRules(
        default="lookoutvision.{region}.{dns_suffix}",
        fips="lookoutvision-fips.{region}.{dns_suffix}",
        dualstack="lookoutvision.{region}.{dualstack_dns_suffix}",
        fips_dualstack="lookoutvision-fips.{region}.{dualstack_dns_suffix}",
    )
