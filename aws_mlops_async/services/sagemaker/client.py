"""The SageMaker client: image versions."""

from __future__ import annotations

from typing import ClassVar

from ...client import BaseClient
from ...endpoints import EndpointRules
from .errors import SageMakerExceptions
from .operations import SERVICE

__all__ = ["SageMakerClient"]


class SageMakerClient(BaseClient):
    """Async client for SageMaker image versions; get it as ``session.sagemaker``."""

    service = SERVICE
    exceptions: ClassVar[type[SageMakerExceptions]] = SageMakerExceptions
    endpoint_rules = EndpointRules(
        default="api.sagemaker.{region}.{dns_suffix}",
        fips="api.sagemaker-fips.{region}.{dns_suffix}",
        dualstack="api.sagemaker.{region}.{dualstack_dns_suffix}",
        fips_dualstack="api.sagemaker-fips.{region}.{dualstack_dns_suffix}",
        fips_by_partition={
            "aws": "api-fips.sagemaker.{region}.amazonaws.com",
            "aws-us-gov": "api-fips.sagemaker.{region}.amazonaws.com",
        },
    )
