"""The AWS Batch client: service jobs."""

from __future__ import annotations

from typing import ClassVar

from ...client import BaseClient
from ...endpoints import EndpointRules
from .errors import BatchExceptions
from .operations import SERVICE

__all__ = ["BatchClient"]


class BatchClient(BaseClient):
    """Async client for AWS Batch service jobs; get it as ``session.batch``."""

    service = SERVICE
    exceptions: ClassVar[type[BatchExceptions]] = BatchExceptions
    endpoint_rules = EndpointRules(
        default="batch.{region}.{dns_suffix}",
        fips="batch-fips.{region}.{dns_suffix}",
        dualstack="batch.{region}.{dualstack_dns_suffix}",
        fips_dualstack="batch-fips.{region}.{dualstack_dns_suffix}",
        fips_by_partition={
            "aws": "fips.batch.{region}.amazonaws.com",
            "aws-us-gov": "batch.{region}.amazonaws.com",
        },
    )
