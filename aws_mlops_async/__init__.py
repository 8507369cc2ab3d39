"""aws_mlops_async: a typed asyncio client for the AWS operations ML platform teams call all day.

async with Session(region_name="us-east-1") as session:
    job = await session.batch.submit_service_job(job_name="train-1", ...)
"""

from ._version import __version__
from .bulk import BulkProgress, BulkRunError, BulkSubmission, Outcome
from .config import Config, RetryMode
from .credentials import Credentials
from .errors import (
    AwsError,
    ConfigurationError,
    ConnectionFailed,
    CredentialsError,
    EndpointUnreachable,
    EventLoopMismatch,
    MalformedResponseError,
    NoCredentialsError,
    NoRegionError,
    ServiceError,
    SessionClosedError,
    Timeout,
    TransportError,
    ValidationError,
    WaiterError,
)
from .pagination import PaginationConfig
from .session import Session

__all__ = [
    "AwsError",
    "BulkProgress",
    "BulkRunError",
    "BulkSubmission",
    "Config",
    "ConfigurationError",
    "ConnectionFailed",
    "Credentials",
    "CredentialsError",
    "EndpointUnreachable",
    "EventLoopMismatch",
    "MalformedResponseError",
    "NoCredentialsError",
    "NoRegionError",
    "Outcome",
    "PaginationConfig",
    "RetryMode",
    "ServiceError",
    "Session",
    "SessionClosedError",
    "Timeout",
    "TransportError",
    "ValidationError",
    "WaiterError",
    "__version__",
]
